// Issue 4: admission + instrumentation of a 1 MiB module on first start (a fresh
// process, binaryen load included) and from the cache.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt, row } from "./lib.mjs";

const BIG = new URL("../dist/bench/big-module.wasm", import.meta.url);

/** A real ~1 MiB WASI command: many small distinct functions reached through a table. */
async function bigModule() {
  if (existsSync(BIG)) return readFileSync(BIG);
  const n = 5800;
  const fns = Array.from(
    { length: n },
    (_, i) =>
      `__attribute__((noinline)) int f${i}(int x){ int a=x*${i + 3}; for(int k=0;k<(x&7);k++){ a^=(a<<${(i % 13) + 1})+${i}; if(a%${(i % 7) + 2}==0) a+=k*${i}; } switch(x%5){case 0:return a+${i};case 1:return a-${i * 2};case 2:return a^${i * 3};default:return a*${(i % 5) + 1};} }`,
  );
  const src = `#include <stdio.h>\n#include <stdlib.h>\n${fns.join("\n")}\nint (*const tab[])(int)={${Array.from({ length: n }, (_, i) => `f${i}`).join(",")}};\nint main(int c,char**v){int s=0;for(int i=0;i<${n};i++)s+=tab[i](c+i);FILE*f=fopen(c>1?v[1]:"/workspace/x","r");if(f)fclose(f);printf("%d\\n",s);return 0;}\n`;
  const { runClang } = await import("@yowasp/clang");
  const out = await runClang(["clang", "--target=wasm32-wasip1", "-O1", "big.c", "-o", "big.wasm"], { "big.c": src });
  mkdirSync(new URL(".", BIG), { recursive: true });
  writeFileSync(BIG, out["big.wasm"]);
  return out["big.wasm"];
}

// One fresh process per measurement: the first start pays every module load.
const SCRIPT = `
import { readFileSync } from "node:fs";
import { prepareModule } from "./dist/engine/admission/module-cache.js";
import { loadDefinition } from "./dist/engine/enclave/definitions.js";
import { guardConfig } from "./dist/engine/policy/policy.js";
const [file, cache, variant] = process.argv.slice(1);
const def = loadDefinition("OpenShell");
const guard = guardConfig(variant === "new-policy" ? { ...def.policy, on_violation: "trap" } : def.policy, def.workdir);
const bytes = readFileSync(file);
const t = performance.now();
const r = await prepareModule(bytes, file, guard, 1024, cache);
console.log(JSON.stringify({ ms: performance.now() - t, cached: r.cached }));
`;

export async function benchAdmission() {
  await bigModule();
  const rows = [];
  for (const [label, file] of [
    ["1 MiB module", BIG.pathname],
    ["OpenShell module", new URL("../dist/guest/openshell.wasm", import.meta.url).pathname],
  ]) {
    const size = readFileSync(file).length;
    const cache = mkdtempSync(join(tmpdir(), "coreason-cache-"));
    const once = (variant = "") =>
      JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", SCRIPT, file, cache, variant], { encoding: "utf8" }));
    // OpenShell's default policy: its guard template ships prebuilt, the module is new
    // (the prebuilt cache holds only the built-in guests, and not the 1 MiB module).
    const first = label === "1 MiB module" ? once() : undefined;
    const second = once();
    const newPolicy = once("new-policy");
    rmSync(cache, { recursive: true, force: true });
    if (first) rows.push(row(`admission of a new ${label} (${(size / 1048576).toFixed(2)} MiB), first start`, fmt(first.ms), "", "", "≤ 500 ms"));
    rows.push(row(`admission of the ${label}, from the cache`, fmt(second.ms), "", "", "< 20 ms"));
    rows.push(row(`admission of the ${label} under a policy never seen before (guard template built too)`, fmt(newPolicy.ms), "", "", ""));
  }
  return rows;
}
