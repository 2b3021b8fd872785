// Instrumented modules are cached by digest of (module, guard config, memory cap,
// instrumenter version): a second start or --wasm run does not pay the rewrite again.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { GuardConfig } from "../rewrite/guard-ir.js";
import { admitModule } from "./admit.js";
import { capMemory } from "./wasm-sections.js";
import { ensureDir } from "../state/state-dir.js";
import { writeFileAtomic } from "../state/atomic-file.js";

export interface PreparedModule {
  path: string;
  digest: string;
  cached: boolean;
}

const VERSION = 8; // keep in step with INSTRUMENTER_VERSION (checked in tests)

export function cacheKey(bytes: Uint8Array, guard: GuardConfig, memoryPages: number): string {
  return createHash("sha256").update(bytes).update(JSON.stringify({ guard, memoryPages, v: VERSION })).digest("hex");
}

/** Admits and instruments `bytes` unless a cached result exists. binaryen (10 MB of
 *  JS) is loaded only on a cache miss, which keeps warm commands fast. */
export async function prepareModule(bytes: Uint8Array, label: string, guard: GuardConfig, memoryPages: number, cacheDir: string, unguarded = false): Promise<PreparedModule> {
  const digest = (unguarded ? "unguarded-" : "") + cacheKey(bytes, guard, memoryPages);
  const path = join(ensureDir(cacheDir), `${digest}.wasm`);
  if (existsSync(path) && readFileSync(path).length > 8) return { path, digest, cached: true };
  admitModule(bytes, label, memoryPages); // refuse bad modules before loading binaryen
  if (unguarded) {
    writeFileAtomic(path, capMemory(bytes, memoryPages), 0o644);
    return { path, digest, cached: false };
  }
  const { instrumentModule } = await import("../rewrite/instrument.js");
  const result = instrumentModule(bytes, label, guard, memoryPages);
  writeFileAtomic(path, result.bytes, 0o644);
  return { path, digest, cached: false };
}
