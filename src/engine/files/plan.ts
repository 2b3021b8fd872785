// Where a copy lands: docker cp's destination rules, in one function for both directions
// (the destination is the enclave's for an upload, the host's for a download).
//
// | source               | destination                 | result                                        |
// |----------------------|-----------------------------|-----------------------------------------------|
// | file or link         | missing, no trailing /      | created as DEST                               |
// | file or link         | missing, trailing /         | error: the destination directory must exist   |
// | file or link         | an existing file (or link)  | DEST is replaced                              |
// | file or link         | an existing directory       | copied into it as DEST/basename(SRC)          |
// | directory            | missing                     | DEST is created with SRC's contents           |
// | directory            | an existing file            | error: cannot copy a directory onto a file    |
// | directory            | an existing directory       | copied into it as DEST/basename(SRC)          |
// | directory ending /.  | an existing directory       | its contents copied into DEST                 |
// | anything             | a parent of DEST missing    | error: the destination's parent must exist    |
// | a file ending / or /.| (any)                       | error: the source is not a directory          |
import { posix } from "node:path";
import { EngineError } from "../errors.js";
import type { EntryKind } from "./tar.js";

export type PathKind = "dir" | "file" | "link" | "other" | "missing";

export interface DestState {
  /** following links (a link to a directory is a directory) */
  follow: PathKind;
  /** the name itself */
  nofollow: PathKind;
  parent: PathKind;
}

export interface CopyTarget {
  /** existing directory the entries are created in */
  root: string;
  /** name of the copy's root entry in `root`; undefined: SRC/. (contents only) */
  rootName?: string;
}

/** A path as the user wrote it, and what its spelling says. */
export interface SpelledPath {
  path: string;
  /** ends in "/" */
  trailingSlash: boolean;
  /** ends in "/." (docker: the directory's contents) */
  contents: boolean;
}

export function spell(path: string): SpelledPath {
  return { path, trailingSlash: /\/\.?$/.test(path) && path !== "/", contents: /(^|\/)\.$/.test(path) };
}

function failed(message: string): EngineError {
  return new EngineError("COPY_FAILED", message);
}

export function planCopy(src: SpelledPath, srcKind: EntryKind, dest: SpelledPath, state: DestState): CopyTarget {
  const destPath = posix.normalize(dest.path).replace(/(.)\/$/, "$1");
  const base = (p: string) => {
    const name = posix.basename(posix.normalize(p.replace(/\/\.?$/, "") || "/"));
    if (!name || name === "." || name === "..")
      throw failed(`${p}: names no file or directory of its own; copy ${p.replace(/\/?\.?$/, "")}/. for a directory's contents`);
    return name;
  };
  if ((src.trailingSlash || src.contents) && srcKind !== "directory") throw failed(`${src.path}: the source is not a directory`);
  if (state.parent !== "dir" && destPath !== "/") throw failed(`${dest.path}: the destination's parent directory ${posix.dirname(destPath)} does not exist`);
  const exists = state.follow !== "missing" || state.nofollow !== "missing";
  const isDir = state.follow === "dir";
  const parent = posix.dirname(destPath);
  if (srcKind !== "directory") {
    if (isDir) return { root: destPath, rootName: base(src.path) };
    if (dest.trailingSlash) throw failed(exists ? `${dest.path}: not a directory` : `${dest.path}: the destination directory does not exist`);
    return { root: parent, rootName: base(dest.path) };
  }
  if (!exists) return { root: parent, rootName: base(dest.path) };
  if (!isDir) throw failed(`${dest.path}: cannot copy a directory onto a file`);
  return src.contents ? { root: destPath } : { root: destPath, rootName: base(src.path) };
}
