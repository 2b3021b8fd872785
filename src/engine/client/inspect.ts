// sandbox-inspect: what actually runs in an instance, so a CI job can assert that the
// effective policy is the one it asked for. Read from the instance's own state files and
// module files (the host wrote them), after checking that the host answers.
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { INSTRUMENTATION_VERSION } from "../admission/module-cache.js";
import { definitionModule, loadDefinition } from "../enclave/definitions.js";
import { readAudit } from "../state/audit-log.js";
import { readLaunchConfig, type LaunchConfig } from "../host/launch-config.js";
import { EngineError } from "../errors.js";
import type { Policy } from "../policy/policy.js";
import { guardedUnder } from "../rewrite/wasi-preview1.js";
import type { GuardConfig } from "../policy/guard-config.js";
import { instanceDir } from "../state/state-dir.js";
import { connectInstance } from "./connect.js";

export interface ModuleImport {
  name: string;
  /** Every call of it reaches the policy guard (the admission proof checked this). */
  guarded: boolean;
}

export interface AdmittedModule {
  /** What the module is: the definition's guest, or a --wasm module run in the instance. */
  role: "guest" | "exec";
  label: string;
  sha256: string;
  instrumentedSha256: string;
  imports: ModuleImport[];
}

export interface InspectResult {
  enclave: string;
  definition: string;
  policy: Policy | null;
  policyDigest: string;
  limits: { memoryPages: number; timeoutMs: number; outputBytes: number };
  engineVersion: string;
  instrumenterVersion: number;
  pid: number;
  startedAt: string;
  uptimeMs: number;
  execCount: number;
  violationCount: number;
  recycles: number;
  modules: AdmittedModule[];
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const modulesLog = (dir: string) => join(dir, "modules.jsonl");

/** The WASI imports of `bytes`, each with whether the guard stands in front of it. */
export function moduleImports(bytes: Uint8Array, network: GuardConfig["network"]): ModuleImport[] {
  const guardable = guardedUnder(network);
  return WebAssembly.Module.imports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).map((i) => ({ name: i.name, guarded: guardable.has(i.name) }));
}

export function describeModule(
  role: AdmittedModule["role"],
  label: string,
  raw: Uint8Array,
  instrumentedPath: string,
  network: GuardConfig["network"],
): AdmittedModule {
  return { role, label, sha256: sha256(raw), instrumentedSha256: sha256(readFileSync(instrumentedPath)), imports: moduleImports(raw, network) };
}

/** Remembers a module admitted for an exec of the instance (once per module). */
export function recordExecModule(name: string, label: string, raw: Uint8Array, instrumentedPath: string, network: GuardConfig["network"]): void {
  const dir = instanceDir(name);
  const known = readExecModules(dir);
  const entry = describeModule("exec", label, raw, instrumentedPath, network);
  if (!known.some((m) => m.instrumentedSha256 === entry.instrumentedSha256)) appendFileSync(modulesLog(dir), JSON.stringify(entry) + "\n", { mode: 0o600 });
}

function readExecModules(dir: string): AdmittedModule[] {
  let text: string;
  try {
    text = readFileSync(modulesLog(dir), "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as AdmittedModule];
      } catch {
        return []; // a torn last line (host killed mid-append)
      }
    });
}

/** The guest module as started: its file, read again (a definition from --definition
 *  FILE or a plugin is not in the catalogue, and may be gone). */
function guestBytes(launch: LaunchConfig): Uint8Array {
  if (!launch.guest) return definitionModule(loadDefinition(launch.definition));
  try {
    return readFileSync(launch.guest.file);
  } catch (e) {
    throw new EngineError(
      "STATE_CORRUPT",
      `${launch.guest.label}: ${launch.guest.file} cannot be read any more (${(e as NodeJS.ErrnoException).code}); the instance runs its instrumented copy`,
    );
  }
}

export async function inspectInstance(name: string): Promise<InspectResult> {
  // the host must answer: a dead or absent instance fails as every command does
  const { conn, record } = await connectInstance(name);
  conn.close();
  const dir = instanceDir(name);
  const launch = readLaunchConfig(dir);
  const guest = describeModule("guest", launch.guest?.label ?? launch.definition, guestBytes(launch), launch.modulePath, launch.guard.network);
  return {
    enclave: record.name,
    definition: record.definition,
    policy: launch.policy ?? null,
    policyDigest: record.policyDigest,
    limits: { memoryPages: record.memoryPages, timeoutMs: record.timeoutMs, outputBytes: record.outputBytes },
    engineVersion: record.engineVersion,
    instrumenterVersion: INSTRUMENTATION_VERSION,
    pid: record.pid,
    startedAt: record.startedAt,
    uptimeMs: Math.max(0, Date.now() - Date.parse(record.startedAt)),
    execCount: record.execCount,
    violationCount: readAudit(dir).reduce((n, r) => n + (r.count ?? 1), 0),
    recycles: record.recycles ?? 0,
    modules: [guest, ...readExecModules(dir)],
  };
}
