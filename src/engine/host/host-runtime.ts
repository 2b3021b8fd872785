// How an instance's host process is started (issue 16: an idle instance's memory). An
// instance is six V8 isolates: the host's, its enclave worker's and the four worker
// threads @wasmer/sdk starts for its scheduler and thread pool. What each setting saved,
// measured as the PSS of an idle host after one exec (README, "Latency and density"):
//
// - MALLOC_MMAP_THRESHOLD_: V8 compiles in zones of 32 KiB segments, which glibc kept
//   in its arenas after they were freed, fragmented; allocations of 32 KiB and up are
//   mapped and returned to the system instead (about 30 MiB). A fixed threshold also
//   stops glibc from raising it on its own. A 32 KiB request is the zone's segment, so
//   the threshold is exactly 32 KiB: at 33 KiB or 40 KiB nothing was saved.
// - MALLOC_ARENA_MAX: fewer per-thread arenas for the ~15 threads (a little; on its own,
//   1 or 2 arenas saved nothing measurable, which is why it looked inconsistent before).
// - --no-experimental-fetch: the SDK's glue asks `typeof Response` in every isolate it
//   starts, which loads Node's fetch implementation (undici) five times (about 10 MiB,
//   and 20-30 ms of CPU per isolate at boot). Nothing in the host uses fetch.
// - --max-semi-space-size=1 (MiB): each isolate's young generation stays small (about
//   8 MiB over the six); the host's JavaScript allocates little.
// - --optimize-for-size with --gc-memory-reducer-start-delay-ms=500: V8's memory reducer
//   (the collection that shrinks a heap and gives its free pages back) runs half a second
//   after a full collection instead of 8 s later, and does not wait for the allocation
//   rate to drop first. That is the only way to reach the SDK's four isolates, where the
//   host runs no code of its own (about 12 MiB). Exec CPU and latency did not get worse.
/** Node options of a host process, before its script. */
export const HOST_NODE_OPTIONS: readonly string[] = [
  "--max-semi-space-size=1",
  "--no-experimental-fetch",
  "--optimize-for-size",
  "--gc-memory-reducer-start-delay-ms=500",
];

/** The malloc settings a host runs with (glibc reads them at process start). */
export const HOST_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: "2",
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024),
};

/** The environment of a host process: the caller's, with the host's malloc settings. */
export function hostEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, ...HOST_MALLOC_ENV };
}

/** Whether this process runs with the host's settings (for its log). */
export function hostRuntimeMissing(): string[] {
  const missing = HOST_NODE_OPTIONS.filter((o) => !process.execArgv.includes(o));
  for (const [k, v] of Object.entries(HOST_MALLOC_ENV)) if (process.env[k] !== v) missing.push(`${k}=${v}`);
  return missing;
}
