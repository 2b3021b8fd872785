// Engine-level harness: instrument a module with a policy and run it in a bare
// @wasmer/sdk sandbox in this process, reading the guard's audit records after each run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Wasmer, type Package, type Sandbox } from "@wasmer/sdk/node";
import { guardConfig, Policy } from "../../src/engine/policy/policy.js";
import { instrumentModule } from "../../src/engine/admission/instrument.js";
import { buildGuardTemplate } from "../../src/engine/guard/template.js";

const templates = new Map<string, Promise<Uint8Array>>();
const templateFor = (guard: GuardConfig) => {
  const key = JSON.stringify(guard);
  if (!templates.has(key)) templates.set(key, buildGuardTemplate(guard));
  return templates.get(key)!;
};
import { capMemory } from "../../src/engine/admission/wasm-sections.js";
import type { GuardConfig } from "../../src/engine/policy/guard-config.js";
import { AUDIT_FILE_NAME, decodeViolations, DecodedViolation } from "../../src/engine/guard/violation-codes.js";
import { loadDefinition } from "../../src/engine/enclave/definitions.js";
import { guestPackage } from "../../src/engine/host/guest-package.js";
import { ROOT } from "./cli.js";

export const guestFile = (...p: string[]) => join(ROOT, "dist", "guest", ...p);

let wasmer: Wasmer | undefined;
const client = () => (wasmer ??= new Wasmer({ cache: false }));

export interface RunResult {
  exitCode: number;
  reason: string;
  stdout: string;
  stderr: string;
  violations: DecodedViolation[];
  trapped: boolean;
}

export function openShellGuard(policy?: Policy): GuardConfig {
  const def = loadDefinition("OpenShell");
  return guardConfig(policy ?? def.policy, def.workdir);
}

export class GuardedSandbox {
  private constructor(
    readonly sandbox: Sandbox,
    private readonly pkg: Package,
    private readonly guard: GuardConfig | null,
    private readonly entry: string,
  ) {}

  /** `bytes` instrumented with `guard` (or run bare when guard is null), packaged as the
   *  engine packages a guest (the first command is the entry, the others /bin entries of
   *  the multi-call module), with OpenShell's image files. */
  static async create(bytes: Uint8Array, guard: GuardConfig | null, memoryPages = 256, commands = ["main"]): Promise<GuardedSandbox> {
    const module = capMemory(guard ? instrumentModule(bytes, "test module", guard, await templateFor(guard)).bytes : bytes, memoryPages);
    const def = loadDefinition("OpenShell");
    const pkg = await client().packages.create(guestPackage({ module, shell: commands[0], commands, files: def.files }));
    return new GuardedSandbox(await GuardedSandbox.sandboxFor(pkg, guard, def.env), pkg, guard, commands[0]);
  }

  private static async sandboxFor(pkg: Package, guard: GuardConfig | null, env: Record<string, string>) {
    const sandbox = await client().sandboxes.create({ packages: [pkg], network: { mode: "disabled" }, env });
    for (const mount of guard?.mounts ?? []) await sandbox.fs.mkdir(mount.backing, { recursive: true });
    return sandbox;
  }

  /** A new, empty sandbox running the same instrumented package. */
  async fresh(): Promise<GuardedSandbox> {
    return new GuardedSandbox(await GuardedSandbox.sandboxFor(this.pkg, this.guard, loadDefinition("OpenShell").env), this.pkg, this.guard, this.entry);
  }

  /** Where a guest path under the workdir lives for the host-side file API. */
  hostPath(guestPath: string): string {
    const mount = (this.guard?.mounts ?? []).find((m) => guestPath === m.guest || guestPath.startsWith(m.guest + "/"));
    return mount ? mount.backing + guestPath.slice(mount.guest.length) : guestPath;
  }

  static fromFile(file: string, guard: GuardConfig | null, memoryPages = 256, commands?: string[]) {
    return GuardedSandbox.create(readFileSync(file), guard, memoryPages, commands);
  }

  async run(args: string[], timeoutMs = 15000, stdin?: string): Promise<RunResult> {
    let out;
    let trapped = false;
    try {
      out = await this.sandbox.command(this.pkg.command(this.entry), args).run({ check: false, timeoutMs, stdin: stdin ?? "" });
    } catch (e) {
      trapped = /RuntimeError|unreachable/.test(String(e));
      if (!trapped) throw e;
    }
    let violations: DecodedViolation[] = [];
    try {
      violations = decodeViolations(await this.sandbox.fs.readFile(`/workspace/${AUDIT_FILE_NAME}`));
      await this.sandbox.fs.remove(`/workspace/${AUDIT_FILE_NAME}`);
    } catch {
      /* no violation this run */
    }
    return {
      exitCode: out?.exitCode ?? -1,
      reason: out?.reason ?? "trapped",
      stdout: out?.stdout.text() ?? "",
      stderr: out?.stderr.text() ?? "",
      violations,
      trapped,
    };
  }

  /** Runs one probe action and returns its JSON line plus the violations. */
  async probe(...args: string[]): Promise<{ errno: number; ok: boolean; data: string; violations: DecodedViolation[]; raw: RunResult }> {
    const r = await this.run(args);
    const line = r.stdout.trim().split("\n").pop() ?? "";
    let doc: { errno: number; ok: boolean; data: string };
    try {
      doc = JSON.parse(line);
    } catch {
      throw new Error(`probe ${args.join(" ")} printed no JSON: ${JSON.stringify(r)}`);
    }
    return { ...doc, violations: r.violations, raw: r };
  }
}
