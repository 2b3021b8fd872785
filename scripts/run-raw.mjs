#!/usr/bin/env node
// Developer aid: run dist/guest/openshell.wasm in a bare @wasmer/sdk sandbox (no policy,
// no host process) so the guest can be tried quickly: node scripts/run-raw.mjs 'echo hi | cat'
import { readFileSync } from "node:fs";
import { Wasmer } from "@wasmer/sdk/node";

const bytes = readFileSync(new URL("../dist/guest/openshell.wasm", import.meta.url));
const names = ["sh", ...(process.env.OPENSHELL_CMDS ?? "").split(",").filter(Boolean)];
const wasmer = new Wasmer({ cache: false });
const pkg = await wasmer.packages.create({
  modules: { openshell: bytes },
  commands: Object.fromEntries(names.map((n) => [n, { module: "openshell" }])),
  entrypoint: "sh",
});
const sb = await wasmer.sandboxes.create({ packages: [pkg], network: { mode: "disabled" }, env: { PATH: "/bin", HOME: "/workspace", USER: "sandbox" } });
for (const script of process.argv.slice(2)) {
  const out = await sb.command(pkg.command("sh"), ["-c", script]).run({ check: false, timeoutMs: 10000 });
  process.stdout.write(out.stdout.bytes);
  process.stderr.write(out.stderr.bytes);
  console.error(`[exit ${out.exitCode} ${out.reason}]`);
}
process.exit(0);
