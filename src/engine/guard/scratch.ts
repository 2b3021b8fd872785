// The guard's scratch area, carved below the shadow-stack pointer while a guard runs:
// offsets from its 16-byte aligned base, each computed from the sizes of what it holds.
import { GUARD_SCRATCH_BYTES } from "../rewrite/stack-layout.js";

export const PATH_MAX = 4096;
/** A normalised path: PATH_MAX bytes, room for "/." after it, 16-byte aligned. */
const PATH_BYTES = PATH_MAX + 16;
/** A path rewritten onto its mount's backing directory (the backing may be longer). */
const MAPPED_BYTES = PATH_MAX + 272;
/** The preopen name (first 256 bytes) and the workdir or start directory (next 256);
 *  also the audit file's path, and a WASI filestat (64 bytes) once resolution is done. */
const NAME_BYTES = 512;

const layout = (sizes: [string, number][]) => {
  const out: Record<string, number> = {};
  let at = 0;
  for (const [name, size] of sizes) {
    out[name] = at;
    at += size;
  }
  out.size = at;
  return out;
};

export const S = layout([
  ["pathA", PATH_BYTES], // first normalised path
  ["pathB", PATH_BYTES], // second path (rename/link/symlink target)
  ["prestat", 8], // fd_prestat_get result
  ["u64", 8], // fd_seek result, nwritten, opened fd
  ["iovecs", 16], // two ciovecs for the audit record
  ["header", 8], // 4: record header
  ["fdstat", 24], // fd_fdstat_get result
  ["name", NAME_BYTES],
  ["mapped", MAPPED_BYTES], // pathA rewritten onto its mount's backing directory
  ["mapped2", MAPPED_BYTES], // the same for pathB
]) as Record<"pathA" | "pathB" | "prestat" | "u64" | "iovecs" | "header" | "fdstat" | "name" | "mapped" | "mapped2" | "size", number>;
if (S.size > GUARD_SCRATCH_BYTES) throw new Error("guard scratch layout exceeds GUARD_SCRATCH_BYTES");
