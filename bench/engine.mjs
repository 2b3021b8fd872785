// Issues 3 and 4 at the engine API level (no CLI): OpenShell in a warm enclave against
// the raw @wasmer/sdk running a minimal C program doing the same work, and the guard's
// own overhead (the same module instrumented vs not).
import { readFileSync, statSync } from "node:fs";
import { Wasmer } from "@wasmer/sdk/node";
import { definitionCommands, loadDefinition } from "../dist/engine/enclave/definitions.js";
import { guardConfig } from "../dist/engine/policy/policy.js";
import { instrumentModule } from "../dist/engine/admission/instrument.js";
import { buildGuardTemplate } from "../dist/engine/guard/template.js";
import { capMemory } from "../dist/engine/admission/wasm-sections.js";
import { guestPackage } from "../dist/engine/host/guest-package.js";
import { alternate, fmt, row } from "./lib.mjs";

const guest = (p) => readFileSync(new URL(`../dist/guest/${p}`, import.meta.url));
const MiB = 1024 * 1024;

// The enclave's package is built as the engine builds it (guest-package.js).
async function sandboxFor(wasmer, bytes, { commands = ["main"], guard, files = {}, workspace = {} }) {
  const pkg = await wasmer.packages.create(guestPackage({ module: bytes, shell: commands[0], commands, files }));
  const sb = await wasmer.sandboxes.create({ packages: [pkg], network: { mode: "disabled" }, env: { HOME: "/workspace", PATH: "/bin" } });
  for (const m of guard?.mounts ?? []) await sb.fs.mkdir(m.backing, { recursive: true });
  for (const [p, t] of Object.entries(workspace)) await sb.fs.writeFile(p, t);
  return { sb, pkg };
}

export async function benchEngine() {
  const def = loadDefinition("OpenShell");
  const guard = guardConfig(def.policy, def.workdir);
  const shell = guest("openshell.wasm");
  const guarded = capMemory(instrumentModule(shell, "openshell", guard, await buildGuardTemplate(guard)).bytes, 1024);
  const wasmer = new Wasmer({ cache: false });
  const big = "x".repeat(MiB);
  const image = { commands: definitionCommands(def), files: def.files };
  const enclave = await sandboxFor(wasmer, guarded, { ...image, guard, workspace: { "/workspace/home/big": big, "/workspace/home/small": "hello\n" } });
  const bare = await sandboxFor(wasmer, shell, { ...image, workspace: { "/workspace/big": big, "/workspace/small": "hello\n" } });
  const rawEcho = await sandboxFor(wasmer, guest("fixtures/hello.wasm"), {});
  const rawCat = await sandboxFor(wasmer, guest("fixtures/cat-file.wasm"), { workspace: { "/workspace/big": big } });
  const run = (s, cmd, args) => s.sb.command(s.pkg.command(cmd), args).run({ check: false, timeoutMs: 20000 });
  const sh = (s, script) => run(s, "sh", ["-c", script]);

  const echo = await alternate(60, { enclave: () => sh(enclave, "echo hi"), raw: () => run(rawEcho, "main", []) }, 40);
  const cat = await alternate(30, { enclave: () => sh(enclave, "cat /workspace/big"), raw: () => run(rawCat, "main", ["/workspace/big"]) });
  const guardCost = await alternate(30, { guarded: () => sh(enclave, "cat /workspace/small"), unguarded: () => sh(bare, "cat /workspace/small") });
  const pipeline = await alternate(
    5,
    {
      p: async () => {
        const out = await sh(enclave, "seq 10000 | grep 7 | wc -l");
        if (out.stdout.text().trim() !== "3439") throw new Error(`pipeline printed ${out.stdout.text()}`);
      },
    },
    1,
  );
  // stdout throughput: a million lines written by one utility (libc buffering matters)
  const lines = await alternate(3, { p: () => sh(enclave, "seq 1000000 > /dev/null") }, 1);
  const size = statSync(new URL("../dist/guest/openshell.wasm", import.meta.url)).size;
  return [
    row("OpenShell module size", `${(size / 1024).toFixed(0)} KiB`, "", "", "≤ 440 KiB"),
    row(
      '`sh -c "echo hi"` in a warm enclave vs raw SDK minimal C program',
      fmt(echo.enclave),
      fmt(echo.raw),
      `${(echo.enclave / echo.raw).toFixed(2)}x`,
      "≤ 2x",
    ),
    row('`sh -c "cat"` of 1 MiB in a warm enclave vs raw SDK minimal C cat', fmt(cat.enclave), fmt(cat.raw), `${(cat.enclave / cat.raw).toFixed(2)}x`, "≤ 2x"),
    row(
      "guarded `cat` of a small file vs the same module unguarded",
      fmt(guardCost.guarded),
      fmt(guardCost.unguarded),
      `${(guardCost.guarded / guardCost.unguarded).toFixed(2)}x`,
      "≤ 1.2x",
    ),
    row("`seq 10000 \\| grep 7 \\| wc -l` (engine time)", fmt(pipeline.p), "", "", "< 1000 ms"),
    row("`seq 1000000 > /dev/null` (engine time)", fmt(lines.p), "", "", ""),
  ];
}
