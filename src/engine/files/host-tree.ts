// The host's side of a copy: read a file or directory tree into entries, and write
// entries below a host directory. Links are copied as links and never followed, neither
// out of a source tree nor, when writing, through a link already on the host.
import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { EngineError } from "../errors.js";
import type { DestState, PathKind } from "./plan.js";
import { copyTooLarge, printable, TarEntry, TarLimits } from "./tar.js";

function failed(message: string): EngineError {
  return new EngineError("COPY_FAILED", message);
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT"
    ? "no such file or directory"
    : code === "EACCES"
      ? "permission denied"
      : code === "ENOTDIR"
        ? "not a directory"
        : ((e as Error).message ?? String(e));
}

/** `path` and everything below it (sorted by name), the root named "."; a root that is a
 *  link is copied as the link unless `followRoot` (the path was spelled `DIR/` or `DIR/.`). */
export function readHostTree(path: string, followRoot: boolean, limits: TarLimits): TarEntry[] {
  const out: TarEntry[] = [];
  let bytes = 0;
  const walk = (host: string, name: string) => {
    let st;
    try {
      st = name === "." && followRoot ? statSync(host) : lstatSync(host);
    } catch (e) {
      throw failed(`${host}: ${why(e)}`);
    }
    if (out.length + 1 > limits.maxEntries) throw copyTooLarge(limits);
    const mtime = Math.floor(st.mtimeMs / 1000);
    const mode = st.mode & 0o7777;
    if (st.isSymbolicLink()) out.push({ name, kind: "symlink", linkname: readlinkSync(host), mode, mtime });
    else if (st.isFile()) {
      bytes += st.size;
      if (bytes > limits.maxBytes) throw copyTooLarge(limits);
      out.push({ name, kind: "file", data: readFileSync(host), mode, mtime });
    } else if (st.isDirectory()) {
      out.push({ name, kind: "directory", mode, mtime });
      for (const child of readdirSync(host).sort()) walk(join(host, child), name === "." ? child : `${name}/${child}`);
    } else throw failed(`${host}: not a regular file, directory or symbolic link`);
  };
  walk(path, ".");
  return out;
}

function kindOf(path: string, follow: boolean): PathKind {
  try {
    const st = follow ? statSync(path) : lstatSync(path);
    return st.isDirectory() ? "dir" : st.isFile() ? "file" : st.isSymbolicLink() ? "link" : "other";
  } catch {
    return "missing";
  }
}

export function hostDestState(path: string): DestState {
  const bare = path.replace(/\/\.?$/, "") || "/";
  return { follow: kindOf(bare, true), nofollow: kindOf(bare, false), parent: kindOf(dirname(bare), true) };
}

/** Creates `entries` (placed: relative names, parents first) below the directory `root`.
 *  Every parent must be a real directory (a link on the way is refused, never followed);
 *  an existing non-directory is replaced, an existing directory kept. */
export function writeHostTree(root: string, entries: TarEntry[]): void {
  // directories get their times last: writing below one changes its time
  const dirTimes: [string, number][] = [];
  for (const e of entries) {
    const path = join(root, e.name);
    const parts = e.name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = join(root, ...parts.slice(0, i));
      if (kindOf(parent, false) !== "dir") throw failed(`${parent}: not a directory (a link on the way is not followed)`);
    }
    const existing = kindOf(path, false);
    try {
      if (e.kind === "directory") {
        if (existing !== "dir" && existing !== "missing") throw failed(`${path}: cannot overwrite a non-directory with a directory`);
        if (existing === "missing") mkdirSync(path, { mode: e.mode ?? 0o755 });
        if (e.mtime) dirTimes.push([path, e.mtime]);
        continue;
      }
      if (existing === "dir") throw failed(`${path}: cannot overwrite a directory with a non-directory`);
      if (existing !== "missing") unlinkSync(path);
      if (e.kind === "symlink") symlinkSync(e.linkname!, path);
      else {
        writeNewFile(path, e.data ?? Buffer.alloc(0), e.mode ?? 0o644);
        if (e.mtime) utimesSync(path, e.mtime, e.mtime);
      }
    } catch (err) {
      if (err instanceof EngineError) throw err;
      throw failed(`${printable(path)}: ${why(err)}`);
    }
  }
  for (const [path, t] of dirTimes.reverse()) utimesSync(path, t, t);
}

function writeNewFile(path: string, data: Buffer, mode: number) {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode & 0o777);
  try {
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
  } finally {
    closeSync(fd);
  }
}
