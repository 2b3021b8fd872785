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
import { guardConfig } from "../dist/engine/policy/policy.js";
import { instrumentModule } from "../dist/engine/rewrite/instrument.js";

const def = loadDefinition("OpenShell");
const guard = guardConfig(def.policy, def.workdir);
mkdirSync(PREBUILT_CACHE, { recursive: true });
// the template first: it lands in the prebuilt cache (passed as the cache dir)
const template = await guardTemplate(guard, PREBUILT_CACHE);
for (const rel of [def.module, "dist/guest/probe.wasm", "dist/guest/fixtures/alloc-loop.wasm", "dist/guest/fixtures/cat-file.wasm", "dist/guest/fixtures/hello.wasm"]) {
  const bytes = readFileSync(packagePath(rel));
  const out = join(PREBUILT_CACHE, `${guardKey(bytes, guard)}.wasm`);
  if (existsSync(out)) continue;
  writeFileSync(out, instrumentModule(bytes, rel, guard, template).bytes);
  console.error(`prebuilt cache: ${rel}`);
}
