// What the guard enforces, compiled from a policy (policy.ts guardConfig) and handed to
// the guard's generator (src/engine/guard/): the policy's side of the trust boundary.
export interface GuardConfig {
  readOnly: string[];
  readWrite: string[];
  /** Directory the "." preopen stands for, and where the audit file lives. */
  workdir: string;
  onViolation: "deny" | "trap";
  /** "disabled": every socket call is guarded and denied (the only mode there is). */
  network: "disabled";
  /** Guest directories backed by another directory (/workspace by /workspace/home, /tmp
   *  by /workspace/tmp: only /workspace survives between commands in the SDK). */
  mounts?: { guest: string; backing: string }[];
  /** Guest paths that stand for another SDK path (/dev/random for /dev/urandom,
   *  /dev/fd/1 for /dev/stdout): mapped on the way in, never shown back. */
  devices?: { guest: string; backing: string }[];
  /** Foreign modules: a relative path on the preopen wasi-libc resolves against
   *  (the last one named "/" or ".") starts in the workdir, see emitResolve. */
  startInWorkdir?: boolean;
  /** With startInWorkdir: the directory relative paths start in instead of the workdir
   *  (sandbox-exec -w DIR); absent for the default, so cached guards stay valid. */
  startDir?: string;
}

/** The guard of a foreign (--wasm) module: the enclave's, plus relative paths that
 *  start in the workdir (OpenShell changes its own directory; a foreign module's libc
 *  starts at "/"). */
export function foreignGuardConfig(guard: GuardConfig, startDir?: string): GuardConfig {
  return { ...guard, startInWorkdir: true, ...(startDir && startDir !== guard.workdir ? { startDir } : {}) };
}
