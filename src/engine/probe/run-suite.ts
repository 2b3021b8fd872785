// sandbox-probe: boot a throwaway instance, run the catalogue against it, tear it down.
// Never touches a running instance: the throwaway has its own name and state.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execInInstance } from "../client/exec.js";
import { bootInstance, prepareLaunch, stopInstance } from "../client/instances.js";
import { EngineError } from "../errors.js";
import { ENGINE_VERSION } from "../package-root.js";
import type { Policy } from "../policy/policy.js";
import type { InstanceRecord } from "../state/instance-record.js";
import { catalogue, Probe, ProbeContext, selectProbes, Verdict } from "./catalogue.js";
import { cpuSecondsOfTree } from "../state/process-tree.js";

export interface ProbeOptions {
  enclave: string;
  memoryPages?: number;
  policy?: Policy;
  policyFile?: string;
  only?: string | string[];
}

export interface ProbeResult {
  id: string;
  category: Probe["category"];
  attempt: string;
  expected: string;
  observed: string;
  verdict: Verdict;
  durationMs: number;
}

export interface ProbeReport {
  engineVersion: string;
  enclave: string;
  policyDigest: string;
  canaryDigest: string;
  memoryPages: number;
  results: ProbeResult[];
  totals: { held: number; breached: number; error: number; total: number };
  passed: boolean;
  durationMs: number;
}

/** One run of the suite; the CLI drives it probe by probe to render progress. */
export class ProbeSession {
  readonly probes: Probe[];
  readonly results: ProbeResult[] = [];
  private record?: InstanceRecord;
  private readonly name = `probe-${randomBytes(4).toString("hex")}`;
  private readonly canaryDir = mkdtempSync(join(tmpdir(), "coreason-canary-"));
  private readonly canary = {
    path: join(this.canaryDir, "canary.txt"),
    content: `coreason-canary-${randomBytes(24).toString("hex")}`,
    env: "COREASON_PROBE_CANARY",
    envValue: `env-canary-${randomBytes(12).toString("hex")}`,
  };
  private readonly started = performance.now();
  private policyDigest = "";

  constructor(
    private readonly opts: ProbeOptions,
    /** Only runProbeSuiteUnguardedForTests sets it. */
    private readonly unguarded = false,
  ) {
    this.probes = selectProbes(catalogue(), opts.only);
    if (!this.probes.length) throw new EngineError("USAGE", `--only ${[opts.only].flat().join(", ")}: no probe id or category matches`);
  }

  /** Boots the throwaway instance (with the canary in this process's environment). */
  async boot(): Promise<void> {
    writeFileSync(this.canary.path, this.canary.content, { mode: 0o600 });
    process.env[this.canary.env] = this.canary.envValue;
    const launch = await prepareLaunch({ ...this.opts, name: this.name, unguarded: this.unguarded }, {});
    this.policyDigest = launch.policyDigest;
    this.record = await bootInstance(launch, {});
  }

  async run(probe: Probe): Promise<ProbeResult> {
    const t = performance.now();
    let verdict: Verdict;
    let observed: string;
    try {
      const o = await probe.run(this.context());
      verdict = o.held ? "held" : "breached";
      observed = o.observed;
    } catch (e) {
      verdict = "error";
      observed = (e as Error).message;
    }
    const result = { id: probe.id, category: probe.category, attempt: probe.attempt, expected: probe.expected, observed: scrub(observed, this.canary.content), verdict, durationMs: Math.round(performance.now() - t) };
    this.results.push(result);
    return result;
  }

  /** Stops the throwaway instance and removes the canary; returns the report. */
  async finish(): Promise<ProbeReport> {
    if (this.record) await stopInstance(this.name, { keepAudit: false }).catch(() => {});
    rmSync(this.canaryDir, { recursive: true, force: true });
    delete process.env[this.canary.env];
    const count = (v: Verdict) => this.results.filter((r) => r.verdict === v).length;
    const totals = { held: count("held"), breached: count("breached"), error: count("error"), total: this.results.length };
    return {
      engineVersion: ENGINE_VERSION,
      enclave: this.opts.enclave,
      policyDigest: this.policyDigest,
      canaryDigest: "sha256:" + createHash("sha256").update(this.canary.content).digest("hex"),
      memoryPages: this.record?.memoryPages ?? 0,
      results: this.results,
      totals,
      passed: totals.held === totals.total,
      durationMs: Math.round(performance.now() - this.started),
    };
  }

  private context(): ProbeContext {
    const record = this.record!;
    const name = this.name;
    return {
      sh: (script, o = {}) => execInInstance({ enclave: name, script, timeoutMs: o.timeoutMs, env: o.env }),
      wasm: (file, args, o = {}) => execInInstance({ enclave: name, wasmFile: file, args, timeoutMs: o.timeoutMs }),
      idleCpu: (ms) => cpuSecondsOfTree(record.pid, ms),
      canary: this.canary,
      memoryPages: record.memoryPages,
      outputBytes: record.outputBytes,
    };
  }
}

/** The canary's content must never reach a report, even as evidence. */
function scrub(text: string, canary: string): string {
  return text.split(canary).join("<canary>");
}

export function runProbeSuite(opts: ProbeOptions, onResult?: (r: ProbeResult) => void): Promise<ProbeReport> {
  return runSuite(new ProbeSession(opts), onResult);
}

/** TEST ONLY (no command, HTTP route or library export reaches it): the suite on an
 *  enclave booted without its policy guard, to prove the probes report breaches when
 *  enforcement is off. */
export function runProbeSuiteUnguardedForTests(opts: ProbeOptions): Promise<ProbeReport> {
  return runSuite(new ProbeSession(opts, true));
}

async function runSuite(session: ProbeSession, onResult?: (r: ProbeResult) => void): Promise<ProbeReport> {
  try {
    await session.boot();
    for (const p of session.probes) {
      const result = await session.run(p); // not inside onResult?.(...): that would skip the run
      onResult?.(result);
    }
  } catch (e) {
    await session.finish();
    throw e;
  }
  return session.finish();
}
