// Instrumented modules are cached by digest of (module, guard configuration,
// instrumenter version), so a second start or --wasm run does not pay the rewrite.
// The memory cap is applied per start on top (a cheap patch of the memory section),
// so one cached rewrite serves every --memory-pages. The build pre-instruments the
// built-in guests for their default policy into a read-only cache shipped in dist/.
// The state directory's cache is bounded (cache-bound.ts): a user of a module gets a
// held link to it, so eviction never takes a file from under an instance or an exec.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packagePath } from "../package-root.js";
import type { GuardConfig } from "../policy/guard-config.js";
import { writeFileAtomic } from "../state/atomic-file.js";
import { ensureDir } from "../state/state-dir.js";
import { admitModule, checkMemory } from "./admit.js";
import { capMemory } from "./wasm-sections.js";
import { spliceGuard } from "../rewrite/splice.js";
import { EngineError } from "../errors.js";
import { evictToLimit, holdModule, touchEntry } from "./cache-bound.js";

export interface PreparedModule {
  /** a link of the caller's own in `holdIn` when given, else the cache entry */
  path: string;
  digest: string;
  cached: boolean;
}

/** Bump with every change to the generated guard: old cache entries then miss. */
export const INSTRUMENTATION_VERSION = 22;

/** Pre-instrumented modules written by the build (read-only at run time). */
export const PREBUILT_CACHE = packagePath("dist", "cache", "modules");

export function guardKey(bytes: Uint8Array, guard: GuardConfig | null): string {
  return createHash("sha256")
    .update(bytes)
    .update(JSON.stringify({ guard, v: INSTRUMENTATION_VERSION }))
    .digest("hex");
}

/** The first file called `name` in the prebuilt cache or in `cacheDir` (a hit there
 *  counts as a use, for least-recently-used eviction). */
function fromCaches(name: string, cacheDir: string): Uint8Array | undefined {
  for (const dir of [PREBUILT_CACHE, cacheDir]) {
    const file = join(dir, name);
    try {
      const bytes = readFileSync(file);
      if (dir === cacheDir) touchEntry(file);
      return bytes;
    } catch {
      /* not there (or evicted meanwhile) */
    }
  }
  return undefined;
}

/** Keeps the state directory's cache within its cap (the prebuilt one is the build's). */
function bound(cacheDir: string, keep: string[] = []) {
  if (cacheDir !== PREBUILT_CACHE) evictToLimit(cacheDir, undefined, keep);
}

/** The guard template for a configuration: cached like modules, built on a miss (only
 *  then is binaryen, 10 MB of JS, loaded). */
export async function guardTemplate(guard: GuardConfig, cacheDir: string): Promise<Uint8Array> {
  const name = `template-${createHash("sha256")
    .update(JSON.stringify({ guard, v: INSTRUMENTATION_VERSION }))
    .digest("hex")}.wasm`;
  const hit = fromCaches(name, cacheDir);
  if (hit) return hit;
  const { buildGuardTemplate } = await import("../guard/template.js");
  const template = await buildGuardTemplate(guard);
  writeFileAtomic(join(ensureDir(cacheDir), name), template, 0o644);
  bound(cacheDir);
  return template;
}

export interface PrepareOptions {
  /** Return a link of the caller's own in this directory, which eviction cannot take away. */
  holdIn?: string;
  /** Test hook, reached only through runProbeSuiteUnguardedForTests (the probe suite's
   *  self-test: each probe must fail without the guard): the memory cap only. */
  unguardedForTests?: boolean;
}

/** Admits `bytes` (always: cheap, and the cap may differ), then writes the guarded
 *  module capped at `memoryPages` into the cache for the host to load. */
export async function prepareModule(
  bytes: Uint8Array,
  label: string,
  guard: GuardConfig,
  memoryPages: number,
  cacheDir: string,
  { holdIn, unguardedForTests: unguarded = false }: PrepareOptions = {},
): Promise<PreparedModule> {
  const key = guardKey(bytes, unguarded ? null : guard);
  let guarded = unguarded ? bytes : fromCaches(`${key}.wasm`, cacheDir);
  const cached = guarded !== undefined;
  if (unguarded || !guarded) admitModule(bytes, label, memoryPages);
  else checkMemory(bytes, label, memoryPages); // admitted in full when it was cached; only the cap is new
  if (!guarded) {
    guarded = spliceGuard(bytes, await guardTemplate(guard, cacheDir), label, guard.network).bytes;
    writeFileAtomic(join(ensureDir(cacheDir), `${key}.wasm`), guarded, 0o644);
  }
  const digest = `${unguarded ? "unguarded-" : ""}${key}-p${memoryPages}`;
  const path = join(ensureDir(cacheDir), `${digest}.wasm`);
  if (!existsSync(path)) writeFileAtomic(path, capMemory(guarded, memoryPages), 0o644);
  else touchEntry(path);
  let held: string | undefined = path;
  if (holdIn) {
    held = holdModule(path, holdIn);
    // evicted by another process between the write and the link: the bytes are here
    if (!held) {
      writeFileAtomic(path, capMemory(guarded, memoryPages), 0o644);
      held = holdModule(path, holdIn);
    }
    if (!held) throw new EngineError("STATE_CORRUPT", `${label}: the module cache entry ${path} vanished twice while being prepared`);
  }
  // an entry returned as is (not held) is about to be read: this call never evicts it
  bound(cacheDir, holdIn ? [] : [path]);
  if (!holdIn && !existsSync(path)) writeFileAtomic(path, capMemory(guarded, memoryPages), 0o644); // another process evicted it
  return { path: held, digest, cached };
}
