// The guard table: one guard per guarded WASI function, by family (path-guards.ts,
// fd-guards.ts, sock-guards.ts); proc_exit's guard is exit-guard.ts.
import { GUARDED_FUNCTIONS } from "../rewrite/wasi-preview1.js";
import type { GuardSpec } from "./emitter.js";
import { fdGuards } from "./fd-guards.js";
import { MAX_FILE_BYTES } from "./names.js";
import { PATH_GUARDS } from "./path-guards.js";
import { SOCK_GUARDS } from "./sock-guards.js";

export const GUARDS: Record<string, GuardSpec> = { ...PATH_GUARDS, ...SOCK_GUARDS, ...fdGuards(MAX_FILE_BYTES) };

// GUARDED_FUNCTIONS (binaryen-free, used when splicing) must name exactly these guards
// (and proc_exit, whose guard is exit-guard.ts).
if (
  Object.keys(GUARDS).sort().join() !==
  GUARDED_FUNCTIONS.filter((n) => n !== "proc_exit")
    .sort()
    .join()
) {
  throw new Error("GUARDED_FUNCTIONS and the guard table disagree");
}
