// sandbox-cp's engine side (docker cp): one side is INSTANCE:/guest/path, the other a
// host path or `-` (a tar stream). Uploads and downloads both run inside the instance
// through the guarded guest helper (guest-helper.ts); the host side never follows a link.
import { posix } from "node:path";
import { EngineError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import type { Violation } from "../protocol/messages.js";
import { checkInstanceName } from "../state/state-dir.js";
import { checkLimits, copyLimits, placeEntries, totalBytes } from "./entries.js";
import { decodeFrames, encodeFrames } from "./frames.js";
import { CopyDenied, runHelper } from "./guest-helper.js";
import { hostDestState, readHostTree, writeHostTree } from "./host-tree.js";
import { planCopy, spell, type DestState, type PathKind } from "./plan.js";
import { readTar, TarEntry, writeTar } from "./tar.js";

export type CopySide = { instance: string; path: string } | { host: string } | { stream: true };

/** docker's rule: NAME:PATH is an instance side unless it starts with / or . (a local
 *  path with a colon is spelled ./a:b); `-` is a tar stream. */
export function parseSide(arg: string): CopySide {
  if (arg === "-") return { stream: true };
  const m = /^([^/.][^:/]*):(.*)$/s.exec(arg);
  if (!m) return { host: arg };
  checkInstanceName(m[1]);
  if (!m[2].startsWith("/")) throw new EngineError("USAGE", `${arg}: the guest path must be absolute (${m[1]}:/workspace/...)`);
  return { instance: m[1], path: m[2] };
}

export interface CopyRequest {
  src: string;
  dest: string;
  /** the tar stream when SRC is `-` */
  tarIn?: Buffer;
  signal?: AbortSignal;
}

export interface CopyResult {
  enclave: string;
  direction: "to-enclave" | "from-enclave";
  source: string;
  destination: string;
  /** entries and bytes of file data copied (0 when denied) */
  entries: number;
  bytes: number;
  exitCode: number;
  reason: "copied" | "denied";
  violations: Violation[];
  violationsDropped?: number;
  durationMs: number;
  /** the tar stream when DEST is `-` (not part of --json) */
  tar?: Buffer;
}

export async function sandboxCopy(req: CopyRequest): Promise<CopyResult> {
  const src = parseSide(req.src);
  const dest = parseSide(req.dest);
  const sides = [src, dest].filter((s) => "instance" in s).length;
  if (sides !== 1)
    throw new EngineError(
      "USAGE",
      sides
        ? "both sides name an instance: copy between an instance and the host (docker cp cannot copy between containers either)"
        : "neither side names an instance: write one side as INSTANCE:/guest/path",
    );
  const began = performance.now();
  const base = { source: req.src, destination: req.dest, violations: [], exitCode: ExitCode.OK, reason: "copied" as const };
  try {
    const done =
      "instance" in dest
        ? await upload(dest, src as Exclude<CopySide, { instance: string }>, req)
        : await download(src as { instance: string; path: string }, dest as Exclude<CopySide, { instance: string }>, req);
    return { ...base, ...done, durationMs: Math.round(performance.now() - began) };
  } catch (e) {
    if (!(e instanceof CopyDenied)) throw e;
    const x = e.exec;
    const enclave = "instance" in dest ? dest.instance : (src as { instance: string }).instance;
    return {
      ...base,
      enclave,
      direction: "instance" in dest ? "to-enclave" : "from-enclave",
      entries: 0,
      bytes: 0,
      exitCode: ExitCode.POLICY_DENIED,
      reason: "denied",
      violations: x.violations,
      ...(x.violationsDropped ? { violationsDropped: x.violationsDropped } : {}),
      durationMs: Math.round(performance.now() - began),
    };
  }
}

type Done = Pick<CopyResult, "enclave" | "direction" | "entries" | "bytes" | "tar">;

async function upload(dest: { instance: string; path: string }, src: Exclude<CopySide, { instance: string }>, req: CopyRequest): Promise<Done> {
  const limits = copyLimits();
  const destSpelled = spell(dest.path);
  let entries: TarEntry[];
  let srcKind: TarEntry["kind"];
  if ("stream" in src) {
    if (!req.tarIn) throw new EngineError("USAGE", "SRC is - but no tar stream was given on stdin");
    entries = readTar(req.tarIn, limits);
    srcKind = "directory";
  } else {
    const s = spell(src.host);
    entries = readHostTree(src.host, s.trailingSlash, limits);
    srcKind = entries[0].kind;
  }
  checkLimits(entries, limits);
  const stat = await runHelper(dest.instance, ["stat", dest.path.replace(/(.)\/+$/, "$1")], { limits, signal: req.signal });
  const state = parseStat(stat.stdout);
  // docker: a tar stream is extracted into DEST, which must be a directory
  if ("stream" in src && state.follow !== "dir")
    throw new EngineError("COPY_FAILED", `${dest.path}: the destination of a tar stream must be an existing directory`);
  const target = "stream" in src ? { root: posix.normalize(dest.path), rootName: undefined } : planCopy(spell(src.host), srcKind, destSpelled, state);
  const placed = placeEntries(entries, target.rootName);
  await runHelper(dest.instance, ["put", target.root.replace(/(.)\/+$/, "$1")], { stdin: encodeFrames(placed), limits, signal: req.signal });
  return { enclave: dest.instance, direction: "to-enclave", entries: placed.length, bytes: totalBytes(placed) };
}

async function download(src: { instance: string; path: string }, dest: Exclude<CopySide, { instance: string }>, req: CopyRequest): Promise<Done> {
  const limits = copyLimits();
  // the frames' own bytes: every header line is at most two hex names and a size
  const outputBytes = limits.maxBytes + limits.maxEntries * (4 * 8192 + 64) + 16;
  const get = await runHelper(src.instance, ["get", src.path, String(limits.maxEntries), String(limits.maxBytes)], { outputBytes, limits, signal: req.signal });
  const entries = decodeFrames(get.stdout, limits);
  const srcSpelled = spell(src.path);
  if ((srcSpelled.trailingSlash || srcSpelled.contents) && entries[0].kind !== "directory")
    throw new EngineError("COPY_FAILED", `${src.path}: the source is not a directory`);
  const done = { enclave: src.instance, direction: "from-enclave" as const };
  if ("stream" in dest) {
    // docker: the archive holds SRC under its own name, or its contents for SRC/.
    const placed = placeEntries(entries, srcSpelled.contents ? undefined : posix.basename(posix.normalize(src.path)) || ".");
    return { ...done, entries: placed.length, bytes: totalBytes(placed), tar: writeTar(placed) };
  }
  const target = planCopy(srcSpelled, entries[0].kind, spell(dest.host), hostDestState(dest.host));
  const placed = placeEntries(entries, target.rootName);
  writeHostTree(target.root, placed);
  return { ...done, entries: placed.length, bytes: totalBytes(placed) };
}

const KINDS: readonly PathKind[] = ["dir", "file", "link", "other", "missing"];

function parseStat(out: Buffer): DestState {
  const [follow, nofollow, parent] = out.toString("latin1").trim().split(" ") as PathKind[];
  if (![follow, nofollow, parent].every((k) => KINDS.includes(k))) throw new EngineError("PROTOCOL_ERROR", "the copy's guest helper answered a malformed stat");
  return { follow, nofollow, parent };
}
