#!/usr/bin/env node
// Developer aid: run the shell corpus (test/guest/corpus/*.json) in a bare @wasmer/sdk
// sandbox and with the host's dash in an empty temp dir, and print the differences.
//   node scripts/corpus-raw.mjs [FILTER]   (FILTER: substring of a case name)
// Case format: {"name", "cmd", "stdin"?, "files"?: {"rel/path": "text"}}.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Wasmer } from "@wasmer/sdk/node";

const corpusDir = new URL("../test/guest/corpus/", import.meta.url);
const filter = process.argv[2] ?? "";
const cases = readdirSync(corpusDir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .flatMap((f) => JSON.parse(readFileSync(new URL(f, corpusDir), "utf8")).map((c) => ({ ...c, file: f })))
  .filter((c) => c.name.includes(filter));

const bytes = readFileSync(new URL("../dist/guest/openshell.wasm", import.meta.url));
const src = readdirSync(new URL("../guest/openshell/cmds/", import.meta.url))
  .filter((f) => f.endsWith(".c"))
  .map((f) => f.slice(0, -2));
const wasmer = new Wasmer({ cache: false });
const pkg = await wasmer.packages.create({
  modules: { openshell: bytes },
  commands: Object.fromEntries(["sh", ...src].map((n) => [n, { module: "openshell" }])),
  entrypoint: "sh",
});
const env = { PATH: "/bin", HOME: "/workspace", USER: "sandbox" };

function runDash(c) {
  const dir = mkdtempSync(join(tmpdir(), "corpus-"));
  for (const [p, t] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  const r = spawnSync("/bin/sh", ["-c", c.cmd], {
    cwd: dir,
    input: c.stdin ?? "",
    env: { PATH: "/usr/bin:/bin", HOME: dir, USER: "sandbox", LC_ALL: "C" },
    timeout: 10000,
  });
  rmSync(dir, { recursive: true, force: true });
  return { stdout: r.stdout.toString().split(dir).join("/workspace"), status: r.status };
}

async function runEnclave(c) {
  const sb = await wasmer.sandboxes.create({ packages: [pkg], network: { mode: "disabled" }, env });
  for (const [p, t] of Object.entries(c.files ?? {})) {
    const full = "/workspace/" + p;
    await sb.fs.mkdir(dirname(full), { recursive: true }).catch(() => {});
    await sb.fs.writeFile(full, t);
  }
  const out = await sb.command(pkg.command("sh"), ["-c", c.cmd]).run({ check: false, timeoutMs: 10000, stdin: c.stdin ?? "" });
  return { stdout: out.stdout.text(), status: out.exitCode, stderr: out.stderr.text() };
}

let pass = 0,
  fail = 0;
for (const c of cases) {
  const want = runDash(c);
  const got = await runEnclave(c);
  if (got.stdout === want.stdout && got.status === want.status) {
    pass++;
    continue;
  }
  fail++;
  console.log(`FAIL ${c.file}:${c.name}: ${JSON.stringify(c.cmd)}`);
  console.log(`  dash:    status ${want.status} stdout ${JSON.stringify(want.stdout).slice(0, 300)}`);
  console.log(`  enclave: status ${got.status} stdout ${JSON.stringify(got.stdout).slice(0, 300)} stderr ${JSON.stringify(got.stderr).slice(0, 200)}`);
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(0);
