// The real guard: the wasi-ops interpreter (guest/model) instrumented with a policy's
// guard, exactly as admission instruments any guest, run in @wasmer/sdk in this process.
// One package per (policy, mutation); every case runs in a fresh sandbox of it, with
// all of its calls in one guest run.
import { readFileSync } from "node:fs";
import { Wasmer, type Package } from "@wasmer/sdk/node";
import { capMemory } from "../../src/engine/admission/wasm-sections.js";
import { guestPackage } from "../../src/engine/host/guest-package.js";
import { guardConfig, Policy } from "../../src/engine/policy/policy.js";
import type { GuardConfig } from "../../src/engine/policy/guard-config.js";
import type { GuardMutation } from "../../src/engine/guard/names.js";
import { buildGuardTemplate } from "../../src/engine/guard/template.js";
import { instrumentModule } from "../../src/engine/admission/instrument.js";
import { AUDIT_FILE_NAME, decodeViolations } from "../../src/engine/guard/violation-codes.js";
import { guestFile } from "../helpers/guarded-sandbox.js";
import { Call, encodeCall } from "./calls.js";
import type { Violation } from "./guard-model.js";
import { ModelPolicy, WORKDIR } from "./policy-rules.js";

export interface RealLine {
  errno: number;
  extra?: string;
}

export interface RealRun {
  lines: RealLine[];
  violations: Violation[];
  trapped: boolean;
  preopens: string[];
}

let wasmer: Wasmer | undefined;
const client = () => (wasmer ??= new Wasmer({ cache: false }));

export function policyFile(p: ModelPolicy): Policy {
  return {
    version: 1,
    filesystem_policy: { include_workdir: p.includeWorkdir, read_only: p.readOnly, read_write: p.readWrite },
    network: { mode: "disabled" },
    on_violation: p.onViolation,
  };
}

export class RealGuard {
  private constructor(
    private readonly pkg: Package,
    readonly guard: GuardConfig,
  ) {}

  private static readonly cache = new Map<string, Promise<RealGuard>>();

  /** The instrumented interpreter for this policy (and mutant), built once. */
  static for(policy: ModelPolicy, mutation?: GuardMutation): Promise<RealGuard> {
    const key = JSON.stringify([policy, mutation ?? null]);
    let g = RealGuard.cache.get(key);
    if (!g) {
      g = RealGuard.build(policy, mutation);
      RealGuard.cache.set(key, g);
    }
    return g;
  }

  private static async build(policy: ModelPolicy, mutation?: GuardMutation): Promise<RealGuard> {
    const guard = guardConfig(policyFile(policy), WORKDIR);
    const template = await buildGuardTemplate(guard, { mutation });
    const module = capMemory(instrumentModule(readFileSync(guestFile("wasi-ops.wasm")), "wasi-ops", guard, template).bytes, 64);
    const pkg = await client().packages.create(guestPackage({ module, shell: "main", commands: ["main"], files: {} }));
    return new RealGuard(pkg, guard);
  }

  async run(calls: Call[]): Promise<RealRun> {
    const sandbox = await client().sandboxes.create({ packages: [this.pkg], network: { mode: "disabled" }, env: {} });
    for (const mount of this.guard.mounts ?? []) await sandbox.fs.mkdir(mount.backing, { recursive: true });
    let stdout = "";
    let trapped = false;
    try {
      const out = await sandbox.command(this.pkg.command("main"), []).run({ check: false, timeoutMs: 20000, stdin: calls.map(encodeCall).join("\n") + "\n" });
      stdout = out.stdout.text();
      if (out.exitCode !== 0) trapped = true;
    } catch (e) {
      if (!/RuntimeError|unreachable/.test(String(e))) throw e;
      trapped = true;
    }
    let violations: Violation[] = [];
    try {
      violations = decodeViolations(await sandbox.fs.readFile(`${WORKDIR}/${AUDIT_FILE_NAME}`));
    } catch {
      /* no violation */
    }
    const lines: RealLine[] = [];
    const preopens: string[] = [];
    for (const l of stdout.split("\n")) {
      const [tag, a, b] = l.split(" ");
      if (tag === "P") preopens.push(`${a} ${Buffer.from(b.slice(1), "hex").toString("latin1")}`);
      if (tag === "R") lines.push({ errno: Number(a), ...(b !== undefined ? { extra: b } : {}) });
    }
    if (!trapped && !stdout.includes("\nE\n")) throw new Error(`wasi-ops did not finish: ${JSON.stringify(stdout.slice(-300))}`);
    return { lines, violations, trapped, preopens };
  }
}
