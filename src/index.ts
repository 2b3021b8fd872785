// The library API of coreason-server: drive the engine from code, as the CLI, serve and
// coreason-engine do. Every function here is the one those adapters call. Failures are
// EngineError with a stable `code` (see the README's error table); a policy denial is
// not a failure but data in the result (exitCode 77, `violations`).
import { Readable } from "node:stream";
import { execInInstance as execViaHost, type ExecResult } from "./engine/client/exec.js";
import { auditRecords } from "./engine/client/audit.js";
import { listInstances as list, startInstance as start, stopInstance as stop, type ListedInstance, type StopResult } from "./engine/client/instances.js";
import { inspectInstance as inspect, type InspectResult } from "./engine/client/inspect.js";
import { startResult, type StartResult } from "./engine/client/start-result.js";
import { registerDefinitionPackages as register, type DefinitionPackage } from "./engine/enclave/catalog.js";
import { listDefinitions as definitions, type ListedDefinition } from "./engine/enclave/definitions.js";
import type { AuditRecord } from "./engine/state/audit-log.js";
import type { Policy } from "./engine/policy/policy.js";
import { runProbeSuite, type ProbeReport, type ProbeResult } from "./engine/probe/run-suite.js";
import { runOnce as runOnceInProcess, type RunOnceOptions } from "./engine/runner/run-once.js";

export { EngineError, isEngineError, type EngineErrorCode } from "./engine/errors.js";
export { ExitCode } from "./engine/exit-codes.js";
export type {
  AuditRecord,
  DefinitionPackage,
  ExecResult,
  InspectResult,
  ListedDefinition,
  ListedInstance,
  Policy,
  ProbeReport,
  ProbeResult,
  RunOnceOptions,
  StartResult,
  StopResult,
};

export interface StartInstanceOptions {
  /** The definition to boot (built-in: OpenShell). */
  enclave: string;
  /** The instance's name (default: the definition's). */
  name?: string;
  memoryPages?: number;
  timeoutMs?: number;
  /** A policy object replacing the definition's (validated as a policy file is). */
  policy?: Policy;
  policyFile?: string;
}

/** Boots an instance and resolves once it answers: the `sandbox-start --json` document. */
export async function startInstance(opts: StartInstanceOptions): Promise<StartResult> {
  const { record, plan } = await start({
    enclave: opts.enclave,
    name: opts.name,
    memoryPages: opts.memoryPages,
    timeoutMs: opts.timeoutMs,
    policy: opts.policy,
    policyFile: opts.policyFile,
  });
  return startResult(record, plan);
}

export interface ExecInInstanceOptions {
  /** The running instance. */
  enclave: string;
  /** A script for the enclave's shell (`sh -c`), or ... */
  script?: string;
  /** ... the path of a WASI command module, admitted and guarded with the instance's policy. */
  wasm?: string;
  /** Arguments of `wasm`. */
  args?: string[];
  env?: Record<string, string>;
  /** The guest's stdin; without it, stdin is empty. */
  stdin?: string | Uint8Array;
  timeoutMs?: number;
  /** Absolute guest directory the guest starts in (sandbox-exec -w). */
  workdir?: string;
  /** Called with the guest's output as it is produced. */
  onOutput?: (stream: "stdout" | "stderr", data: Buffer) => void;
}

/** Runs a command in a running instance: the `sandbox-exec --json` document. */
export function execInInstance(opts: ExecInInstanceOptions): Promise<ExecResult> {
  if ((opts.script === undefined) === (opts.wasm === undefined)) throw new TypeError("execInInstance: give exactly one of script and wasm");
  return execViaHost({
    enclave: opts.enclave,
    script: opts.script,
    wasmFile: opts.wasm,
    args: opts.args,
    env: opts.env,
    timeoutMs: opts.timeoutMs,
    workdir: opts.workdir,
    stdin: opts.stdin === undefined ? undefined : Readable.from([Buffer.from(opts.stdin)]),
    onOutput: opts.onOutput,
  });
}

/** Stops an instance and removes its state. */
export function stopInstance(name: string): Promise<StopResult> {
  return stop(name);
}

/** Every instance of the state directory, running or not. */
export function listInstances(): Promise<ListedInstance[]> {
  return list();
}

/** What runs in the instance (policy, its digest, limits, admitted modules): `sandbox-inspect --json`. */
export function inspectInstance(name: string): Promise<InspectResult> {
  return inspect(name);
}

/** The instance's audit log, oldest record first. */
export function readAudit(name: string): AuditRecord[] {
  return auditRecords(name);
}

export interface RunProbeOptions {
  /** The definition to probe (default: OpenShell). */
  enclave?: string;
  memoryPages?: number;
  policy?: Policy;
  policyFile?: string;
  /** Globs over probe ids and categories. */
  only?: string | string[];
  onResult?: (r: ProbeResult) => void;
}

/** The breach catalogue against a throwaway instance: the `sandbox-probe --json` report. */
export function runProbe(opts: RunProbeOptions = {}): Promise<ProbeReport> {
  return runProbeSuite(
    { enclave: opts.enclave ?? "OpenShell", memoryPages: opts.memoryPages, policy: opts.policy, policyFile: opts.policyFile, only: opts.only },
    opts.onResult,
  );
}

/** A module or script once in a throwaway enclave in this process (coreason-engine's
 *  engine). A guest that overran its timeout may keep a thread of this process busy:
 *  long-lived processes should prefer startInstance and execInInstance. */
export function runOnce(opts: RunOnceOptions): Promise<ExecResult> {
  return runOnceInProcess(opts);
}

/** Packages whose `"coreason": {"enclaves": FOLDER}` definitions this process may start,
 *  beyond the built-in ones and $COREASON_ENCLAVE_PATH (the CLI registers its oclif
 *  plugins this way). Replaces the previously registered set. */
export function registerDefinitionPackages(packages: DefinitionPackage[]): void {
  register(packages);
}

/** Every known definition with its source, each validated: `sandbox-definitions --json`. */
export function listDefinitions(): { definitions: ListedDefinition[]; problems: string[] } {
  return definitions();
}
