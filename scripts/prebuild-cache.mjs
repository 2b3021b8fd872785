#!/usr/bin/env node
// Pre-instruments the built-in guests (OpenShell, the probe module and the fixtures
// the probe suite runs) for OpenShell's default policy, into dist/cache/modules. The
// first sandbox-start then finds its module ready, and the guard template for that
// policy too.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { guardKey, guardTemplate, PREBUILT_CACHE } from "../dist/engine/admission/module-cache.js";
import { loadDefinition } from "../dist/engine/enclave/definitions.js";
import { packagePath } from "../dist/engine/package-root.js";
import { foreignGuardConfig, guardConfig } from "../dist/engine/policy/policy.js";
import { instrumentModule } from "../dist/engine/admission/instrument.js";

const def = loadDefinition("OpenShell");
const guard = guardConfig(def.policy, def.workdir);
// --wasm modules get the foreign variant of the guard (relative paths in the workdir)
const foreign = foreignGuardConfig(guard);
mkdirSync(PREBUILT_CACHE, { recursive: true });
const builds = [
  // sandbox-cp's helper resolves paths as the enclave's own guest does
  [guard, [def.module, "dist/guest/coreason-cp.wasm"]],
  [foreign, ["dist/guest/probe.wasm", "dist/guest/fixtures/alloc-loop.wasm", "dist/guest/fixtures/cat-file.wasm", "dist/guest/fixtures/hello.wasm"]],
];
for (const [config, modules] of builds) {
  // the template first: it lands in the prebuilt cache (passed as the cache dir)
  const template = await guardTemplate(config, PREBUILT_CACHE);
  for (const rel of modules) {
    const bytes = readFileSync(packagePath(rel));
    const out = join(PREBUILT_CACHE, `${guardKey(bytes, config)}.wasm`);
    if (existsSync(out)) continue;
    writeFileSync(out, instrumentModule(bytes, rel, config, template).bytes);
    console.error(`prebuilt cache: ${rel}`);
  }
}
