// The bound on the module cache (state dir cache/modules): a size cap in bytes with
// least-recently-used eviction. "Used" is a file's mtime, refreshed on every hit.
// Eviction is safe by construction: whoever needs a module beyond the moment it was
// prepared (an instance, for its whole life; an exec, until its host answers) holds a
// hard link of its own to it (holdModule), outside the entries eviction counts, so
// removing an entry never removes a file something still reads. The read-only
// prebuilt cache in dist/ is never touched.
import { randomBytes } from "node:crypto";
import { copyFileSync, linkSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { EngineError } from "../errors.js";
import { pidAlive } from "../state/pid-alive.js";
import { procIdentity } from "../state/process-tree.js";
import { ensureDir } from "../state/state-dir.js";

export const CACHE_BYTES_ENV = "COREASON_MODULE_CACHE_BYTES";
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
/** cache/modules/held: links taken by a start before its instance directory exists */
export const HELD_DIR = "held";

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** The cap: $COREASON_MODULE_CACHE_BYTES (bytes, or with a K, M or G suffix), else 256 MiB. */
export function cacheLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[CACHE_BYTES_ENV];
  if (raw === undefined || raw === "") return DEFAULT_CACHE_BYTES;
  const m = /^\s*(\d+)\s*([kmg]?)(?:i?b)?\s*$/i.exec(raw);
  const bytes = m ? Number(m[1]) * UNITS[m[2].toLowerCase()] : NaN;
  if (!Number.isSafeInteger(bytes)) {
    throw new EngineError("DEFINITION_INVALID", `${CACHE_BYTES_ENV} '${raw.slice(0, 40)}' is not a size; give bytes, e.g. 268435456, or 256M`);
  }
  return bytes;
}

/** Marks a cache entry as just used. */
export function touchEntry(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    /* evicted meanwhile: the caller holds its bytes */
  }
}

interface Entry {
  path: string;
  size: number;
  used: number;
}

function entries(cacheDir: string): Entry[] {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return [];
  }
  const out: Entry[] = [];
  for (const name of names.filter((n) => n.endsWith(".wasm"))) {
    try {
      const s = statSync(join(cacheDir, name));
      if (s.isFile()) out.push({ path: join(cacheDir, name), size: s.size, used: s.mtimeMs });
    } catch {
      /* removed by another process meanwhile */
    }
  }
  return out;
}

export function cacheBytes(cacheDir: string): number {
  return entries(cacheDir).reduce((n, e) => n + e.size, 0);
}

/** Removes least-recently-used entries until the cache fits `limit` (never those in
 *  `keep`); returns them. */
export function evictToLimit(cacheDir: string, limit = cacheLimitBytes(), keep: string[] = []): string[] {
  sweepHeld(cacheDir);
  const all = entries(cacheDir).sort((a, b) => a.used - b.used);
  let total = all.reduce((n, e) => n + e.size, 0);
  const removed: string[] = [];
  for (const e of all) {
    if (total <= limit) break;
    if (keep.includes(e.path)) continue;
    rmSync(e.path, { force: true });
    total -= e.size;
    removed.push(e.path);
  }
  return removed;
}

/** A private hard link (a copy where links fail) to cache entry `path` in `dir`, named
 *  for its owner so a dead owner's leftovers can be swept. False if `path` is gone. */
export function holdModule(path: string, dir: string): string | undefined {
  const ticks = procIdentity(process.pid)?.startTicks ?? 0;
  const held = join(ensureDir(dir), `${process.pid}.${ticks}.${randomBytes(6).toString("hex")}.wasm`);
  try {
    linkSync(path, held);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    copyFileSync(path, held); // another file system, or links not allowed
  }
  return held;
}

/** Held links in cache/modules/held whose owner process is gone (a start that died). */
function sweepHeld(cacheDir: string) {
  const dir = join(cacheDir, HELD_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const [pid, ticks] = name.split(".").map(Number);
    const alive = Number.isInteger(pid) && pid > 0 && pidAlive(pid);
    const id = alive ? procIdentity(pid) : undefined;
    // the same pid started at another time is another process: its owner is gone
    if (!alive || (id && ticks && id.startTicks !== ticks)) rmSync(join(dir, name), { force: true });
  }
}
