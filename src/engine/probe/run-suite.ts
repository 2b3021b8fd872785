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

/** Probes that spend seconds waiting out a timeout (and recycle the worker) run on an
 *  instance of their own, booted with the first, so the rest do not queue behind them:
 *  an instance runs its execs one at a time, and the CPU-idle check must see only its
 *  own guest. Every probe still runs exactly as written, against the same definition,
 *  policy and canary. */
const OWN_INSTANCE: Record<string, string> = {
  "res.cpu-spin": "spin",
  "res.write-flood": "flood",
  "verdict.violation-then-spin": "verdict",
  "verdict.violation-then-trap": "verdict",
};

/** A promise settled from outside, once (the first settle wins). */
interface Gate {
  promise: Promise<void>;
  settle(error?: Error): void;
}

function gate(): Gate {
  let settle!: Gate["settle"];
  const promise = new Promise<void>((resolve, reject) => (settle = (e) => (e ? reject(e) : resolve())));
  promise.catch(() => {}); // a lane nobody ran yet must not be an unhandled rejection
  return { promise, settle };
}

interface Lane {
  name: string;
  record?: InstanceRecord;
  /** resolves when this lane's instance is up, rejects if the boot failed */
  up: Gate;
  /** the lane's probes run one after another, in catalogue order */
  queue: Promise<unknown>;
}

/** One run of the suite; the CLI drives it probe by probe to render progress. */
export class ProbeSession {
  readonly probes: Probe[];
  readonly results: ProbeResult[] = [];
  private readonly lanes = new Map<string, Lane>();
  private readonly id = randomBytes(4).toString("hex");
  private readonly canaryDir = mkdtempSync(join(tmpdir(), "coreason-canary-"));
  private readonly canary = {
    path: join(this.canaryDir, "canary.txt"),
    content: `coreason-canary-${randomBytes(24).toString("hex")}`,
    env: "COREASON_PROBE_CANARY",
    envValue: `env-canary-${randomBytes(12).toString("hex")}`,
  };
  private readonly started = performance.now();
  private policyDigest = "";
  private booting?: Promise<void>;

  constructor(
    private readonly opts: ProbeOptions,
    /** Only runProbeSuiteUnguardedForTests sets it. */
    private readonly hooks: { unguardedForTests?: boolean } = {},
  ) {
    this.probes = selectProbes(catalogue(), opts.only);
    if (!this.probes.length) throw new EngineError("USAGE", `no probe id or category matches ${[opts.only].flat().join(", ")}`);
    for (const p of this.probes) {
      const lane = OWN_INSTANCE[p.id] ?? "main";
      if (!this.lanes.has(lane))
        this.lanes.set(lane, { name: lane === "main" ? `probe-${this.id}` : `probe-${this.id}-${lane}`, up: gate(), queue: Promise.resolve() });
    }
  }

  /** Boots the throwaway instances (with the canary in this process's environment).
   *  Each instance's probes start as soon as it is up (run() may be called before this
   *  settles); this settles when all are, and fails with the first boot failure. */
  boot(): Promise<void> {
    return (this.booting ??= this.bootAll());
  }

  private async bootAll(): Promise<void> {
    try {
      writeFileSync(this.canary.path, this.canary.content, { mode: 0o600 });
      process.env[this.canary.env] = this.canary.envValue;
      const launches = [];
      for (const lane of this.lanes.values())
        launches.push({ lane, launch: await prepareLaunch({ ...this.opts, name: lane.name, unguardedForTests: this.hooks.unguardedForTests }, {}) });
      this.policyDigest = launches[0].launch.policyDigest;
      const booted = await Promise.allSettled(
        launches.map(async ({ lane, launch }) => {
          lane.record = await bootInstance(launch, {});
          lane.up.settle();
        }),
      );
      const failed = booted.find((b) => b.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    } catch (e) {
      for (const lane of this.lanes.values()) lane.up.settle(e as Error);
      throw e;
    }
  }

  /** Runs `probe` once its instance is up and the probes before it on that instance are
   *  done; other instances' probes run meanwhile. */
  run(probe: Probe): Promise<ProbeResult> {
    const lane = this.lanes.get(OWN_INSTANCE[probe.id] ?? "main")!;
    const result = lane.queue.then(() => lane.up.promise).then(() => this.runNow(probe, lane));
    lane.queue = result.catch(() => {});
    return result;
  }

  private async runNow(probe: Probe, lane: Lane): Promise<ProbeResult> {
    const t = performance.now();
    let verdict: Verdict;
    let observed: string;
    try {
      const o = await probe.run(this.context(lane));
      verdict = o.held ? "held" : "breached";
      observed = o.observed;
    } catch (e) {
      verdict = "error";
      observed = (e as Error).message;
    }
    const result = {
      id: probe.id,
      category: probe.category,
      attempt: probe.attempt,
      expected: probe.expected,
      observed: scrub(observed, this.canary.content),
      verdict,
      durationMs: Math.round(performance.now() - t),
    };
    this.results.push(result);
    return result;
  }

  /** Stops the throwaway instances and removes the canary; returns the report (results
   *  in catalogue order, whatever order they finished in). */
  async finish(): Promise<ProbeReport> {
    await Promise.all([...this.lanes.values()].filter((l) => l.record).map((l) => stopInstance(l.name, { keepAudit: false }).catch(() => {})));
    rmSync(this.canaryDir, { recursive: true, force: true });
    delete process.env[this.canary.env];
    const order = new Map(this.probes.map((p, i) => [p.id, i]));
    this.results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const count = (v: Verdict) => this.results.filter((r) => r.verdict === v).length;
    const totals = { held: count("held"), breached: count("breached"), error: count("error"), total: this.results.length };
    return {
      engineVersion: ENGINE_VERSION,
      enclave: this.opts.enclave,
      policyDigest: this.policyDigest,
      canaryDigest: "sha256:" + createHash("sha256").update(this.canary.content).digest("hex"),
      memoryPages: this.lanes.get("main")?.record?.memoryPages ?? [...this.lanes.values()][0]?.record?.memoryPages ?? 0,
      results: this.results,
      totals,
      passed: totals.held === totals.total,
      durationMs: Math.round(performance.now() - this.started),
    };
  }

  private context(lane: Lane): ProbeContext {
    const record = lane.record!;
    const name = lane.name;
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
  return runSuite(new ProbeSession(opts, { unguardedForTests: true }));
}

async function runSuite(session: ProbeSession, onResult?: (r: ProbeResult) => void): Promise<ProbeReport> {
  try {
    // each instance's probes in order, the instances side by side; onResult as each ends
    const runs = session.probes.map((p) => session.run(p).then((r) => onResult?.(r)));
    for (const r of runs) r.catch(() => {}); // a failed boot is reported once, below
    await session.boot();
    await Promise.all(runs);
  } catch (e) {
    await session.finish();
    throw e;
  }
  return session.finish();
}
