// The engine's public API for instances, used by the CLI and by serve. Every function
// works across processes: state lives in the state directory, not in memory.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { prepareModule } from "../admission/module-cache.js";
import { HELD_DIR } from "../admission/cache-bound.js";
import { definitionCommands, definitionModule, loadDefinition, loadDefinitionFile } from "../enclave/definitions.js";
import { EngineError } from "../errors.js";
import { archiveAudit } from "../state/audit-archive.js";
import { LaunchConfig, writeLaunchConfig } from "../host/launch-config.js";
import { HOST_NODE_OPTIONS, hostEnvironment } from "../host/host-runtime.js";
import { checkedPolicy, guardConfig, loadPolicyFile, Policy, policyDigest } from "../policy/policy.js";
import { ENCLAVE_DEFAULTS } from "../policy/defaults.js";
import { ensureDir, instanceDir, instancesDir, moduleCacheDir, checkInstanceName } from "../state/state-dir.js";
import { InstanceRecord, readInstanceRecord } from "../state/instance-record.js";
import { HostConnection } from "./connection.js";
import { withInstanceLock } from "./instance-lock.js";
import { connectInstance, InstanceStatus, instanceStatus, notRunning } from "./connect.js";
import { findHostProcesses, hostDirArg, HostProcess, hostProcessOf, stopHostProcess } from "./host-process.js";

export { connectInstance, instanceStatus, notRunning };
export type { InstanceStatus };
import { packagePath } from "../package-root.js";

// Always the built host (also when this module runs from sources under tsx in tests).
const SUPERVISOR = packagePath("dist", "engine", "host", "supervisor-main.js");
const BOOT_DEADLINE_MS = 90000;
const INSTANCE_MODULE = "module.wasm";

export interface StartOptions {
  enclave: string;
  memoryPages?: number;
  timeoutMs?: number;
  policyFile?: string;
  policy?: Policy;
  /** A definition file outside the catalog (`sandbox-start --definition FILE`). */
  definitionFile?: string;
  /** Name of the instance (defaults to the enclave's name). */
  name?: string;
  /** Test hook for the probe suite's self-test (runProbeSuiteUnguardedForTests): no guard, memory cap only. */
  unguardedForTests?: boolean;
}

/** The steps of a start, so the CLI can show them as tasks. */
export interface StartPlan {
  launch?: LaunchConfig;
  moduleCached?: boolean;
  recovered?: string;
}

/** Step 1: definition and policy, validated. */
export function resolveDefinition(opts: StartOptions) {
  const def = opts.definitionFile ? loadDefinitionFile(opts.definitionFile) : loadDefinition(opts.enclave);
  const policy = opts.policy ? checkedPolicy(opts.policy, "(request)") : opts.policyFile ? loadPolicyFile(opts.policyFile) : def.policy;
  const limits = { ...ENCLAVE_DEFAULTS.limits, ...def.policy.limits, ...policy.limits };
  const memoryPages = opts.memoryPages ?? limits.memory_pages;
  const timeoutMs = opts.timeoutMs ?? limits.timeout_ms;
  return { def, policy, memoryPages, timeoutMs, outputBytes: limits.output_bytes };
}

/** Step 2: admit and instrument the guest module (cached). */
export async function prepareLaunch(opts: StartOptions, plan: StartPlan): Promise<LaunchConfig> {
  const { def, policy, memoryPages, timeoutMs, outputBytes } = resolveDefinition(opts);
  const name = checkInstanceName(opts.name ?? def.name);
  const guard = guardConfig(policy, def.workdir);
  // held: the cache may evict its entry before or while the instance runs
  const guest = { file: join(def.from.root, def.module), label: `enclave ${def.name} module ${def.module}` };
  const mod = await prepareModule(definitionModule(def), guest.label, guard, memoryPages, moduleCacheDir(), {
    holdIn: join(moduleCacheDir(), HELD_DIR),
    unguardedForTests: opts.unguardedForTests,
  });
  plan.moduleCached = mod.cached;
  const dir = instanceDir(name);
  plan.launch = {
    version: 1,
    name,
    definition: def.name,
    modulePath: mod.path,
    moduleDigest: mod.digest,
    commands: definitionCommands(def),
    shell: def.shell,
    workdir: def.workdir,
    env: def.env,
    files: def.files,
    memoryPages,
    timeoutMs,
    outputBytes,
    onViolation: guard.onViolation,
    policyDigest: policyDigest(policy),
    policy,
    guest,
    guard,
    socket: socketPathFor(dir),
    token: randomBytes(16).toString("hex"),
    ...(opts.unguardedForTests ? { unguarded: true } : {}),
  };
  return plan.launch;
}

/** Unix socket paths are limited to ~107 bytes: fall back to the temp dir. */
function socketPathFor(dir: string): string {
  const local = join(dir, "host.sock");
  if (Buffer.byteLength(local) < 100) return local;
  return join(tmpdir(), `coreason-${createHash("sha256").update(dir).digest("hex").slice(0, 16)}.sock`);
}

/** Step 3: refuse a running instance, clear a dead one, spawn the host. */
export async function bootInstance(launch: LaunchConfig, plan: StartPlan): Promise<InstanceRecord> {
  // a concurrent start waits, then finds the instance running
  try {
    return await withInstanceLock(launch.name, BOOT_DEADLINE_MS + 5000, () => bootLocked(launch, plan));
  } finally {
    // the held module link moved into the instance directory, unless the start failed first
    if (dirname(launch.modulePath) === join(moduleCacheDir(), HELD_DIR)) rmSync(launch.modulePath, { force: true });
  }
}

/** The instance keeps its module (a link) in its own directory for its whole life. */
function adoptModule(launch: LaunchConfig, dir: string) {
  const own = join(dir, INSTANCE_MODULE);
  if (launch.modulePath === own) return;
  renameSync(launch.modulePath, own);
  launch.modulePath = own;
}

/** How often a start looks for its host's record while the host boots. */
const BOOT_POLL_MS = 10;

async function bootLocked(launch: LaunchConfig, plan: StartPlan): Promise<InstanceRecord> {
  const dir = instanceDir(launch.name);
  await clearStale(launch.name, plan);
  ensureDir(dir);
  adoptModule(launch, dir);
  writeLaunchConfig(dir, launch);
  const logFd = openSync(join(dir, "host.log"), "a", 0o600);
  // the directory exactly as host-process.ts recognises a host of this instance by it;
  // node options and malloc settings that keep an idle instance small (host-runtime.ts)
  const child = spawn(process.execPath, [...HOST_NODE_OPTIONS, SUPERVISOR, hostDirArg(launch.name)], {
    detached: true,
    env: hostEnvironment(),
    stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd); // the host has its own copy; serve and the probe suite start many

  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.unref();
  const deadline = Date.now() + BOOT_DEADLINE_MS;
  for (;;) {
    const record = safeRecord(dir);
    if (record) {
      try {
        const conn = await HostConnection.open(record.socket, launch.token, 2);
        conn.close();
        return record;
      } catch {
        /* not listening yet */
      }
    }
    // the host writes its record once it listens: a short poll (a read of that file)
    // answers a start soon after, where 50 ms cost a start 25 ms on average
    const code = await Promise.race([exited, new Promise<"wait">((r) => setTimeout(() => r("wait"), BOOT_POLL_MS))]);
    if (code !== "wait" || Date.now() > deadline) {
      if (code === "wait") child.kill("SIGKILL"); // our own child, not yet reaped: its pid is still its own
      const why = lastLogLine(dir) ?? (code === "wait" ? `no answer within ${BOOT_DEADLINE_MS} ms` : `host exited with status ${code}`);
      rmSync(dir, { recursive: true, force: true });
      throw new EngineError("BOOT_FAILED", `enclave ${launch.name} failed to boot: ${why}`);
    }
  }
}

function safeRecord(dir: string): InstanceRecord | undefined {
  try {
    return readInstanceRecord(dir);
  } catch {
    return undefined;
  }
}

function lastLogLine(dir: string): string | undefined {
  try {
    const lines = readFileSync(join(dir, "host.log"), "utf8").trim().split("\n");
    // only the supervisor's own verdict: the log also holds the worker's output (stacks)
    const line = [...lines].reverse().find((l) => /^\S+Z (boot failed|cannot start): /.test(l));
    return line?.replace(/^\S+Z /, "");
  } catch {
    return undefined;
  }
}

/** Live hosts of `name`, as a clause for messages: "pid 12, pid 34". */
const pidList = (hosts: HostProcess[]) => hosts.map((h) => `pid ${h.pid}`).join(", ");

async function clearStale(name: string, plan: StartPlan) {
  const dir = instanceDir(name);
  // Never a second host for a name while an old one lives, whatever its state says.
  const live = findHostProcesses(name);
  const refuse = (why: string) =>
    new EngineError("ENCLAVE_RUNNING", `enclave ${name} already has a live host (${pidList(live)}) ${why}`, {
      suggestions: [["stop it first with ", { do: "stop", name }]],
    });
  let status: InstanceStatus = { state: "absent" };
  try {
    if (existsSync(dir)) status = await instanceStatus(name);
  } catch (e) {
    if (live.length) throw refuse(`that cannot be reached: ${(e as Error).message}`);
    // Corrupt record and no host: nobody can be reached through it, so it is stale.
    plan.recovered = (e as Error).message;
    archiveAudit(name, dir, undefined, "host-died");
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  if (status.state === "running") {
    throw new EngineError("ENCLAVE_RUNNING", `enclave ${name} is already running (pid ${status.record.pid}, started ${status.record.startedAt})`, {
      suggestions: [["stop it first with ", { do: "stop", name }]],
    });
  }
  if (status.state === "unreachable") throw refuse(`that cannot be reached: ${status.why}`);
  if (live.length) throw refuse(`that no state file points to`);
  if (status.state === "dead") {
    plan.recovered = `previous instance ${name} was stale: ${status.why}; its state was cleared (its audit log kept)`;
    archiveAudit(name, dir, status.record, "host-died");
  }
  rmSync(dir, { recursive: true, force: true });
}

export async function startInstance(opts: StartOptions): Promise<{ record: InstanceRecord; plan: StartPlan }> {
  const plan: StartPlan = {};
  const launch = await prepareLaunch(opts, plan);
  const record = await bootInstance(launch, plan);
  return { record, plan };
}

export interface StopResult {
  name: string;
  stopped: boolean;
  message: string;
  /** records in the audit log kept of this run (sandbox-audit reads it after the stop) */
  auditRecords: number;
}

/** Stops a running instance and removes its state, keeping its audit log (unless
 *  `keepAudit` is false: the probe suite's throwaways); a dead one is cleared and reported. */
export function stopInstance(name: string, opts: { keepAudit?: boolean } = {}): Promise<StopResult> {
  return withInstanceLock(name, BOOT_DEADLINE_MS + 5000, () => stopLocked(name, opts.keepAudit ?? true));
}

async function stopLocked(name: string, keepAudit: boolean): Promise<StopResult> {
  const dir = instanceDir(name);
  let record: InstanceRecord | undefined;
  let problem: string | undefined;
  try {
    record = readInstanceRecord(dir);
  } catch (e) {
    problem = (e as Error).message;
  }
  const hosts = findHostProcesses(name);
  let answered = false;
  if (record) {
    try {
      const conn = await HostConnection.open(record.socket, record.token, 2);
      await conn.request("stop", {}).catch(() => {});
      conn.close();
      answered = true;
    } catch (e) {
      problem = `its host did not answer (${(e as Error).message})`;
    }
  }
  // Whatever the record says: every live host of this instance directory, found by
  // its command line (so also one whose record is corrupt, gone or names another pid),
  // is stopped before the state goes. A host that answered gets time to exit itself.
  if (answered) await waitUntilGone(hosts, 3000);
  const leftover = hosts.filter(isLive);
  const survivors = (await Promise.all(leftover.map(async (h) => ((await stopHostProcess(h)) ? undefined : h)))).filter((h) => h !== undefined);
  if (survivors.length) {
    throw new EngineError("INTERNAL", `enclave ${name}: its host (${pidList(survivors)}) did not stop on SIGTERM or SIGKILL; its state was kept`);
  }
  const existed = existsSync(dir);
  const run = existed && keepAudit ? archiveAudit(name, dir, record, answered || leftover.length ? "stopped" : "host-died") : undefined;
  rmSync(dir, { recursive: true, force: true });
  const auditRecords = run?.records ?? 0;
  if (answered && !leftover.some((h) => h.pid !== record!.pid)) return { name, stopped: true, message: `stopped ${name}`, auditRecords };
  if (answered || leftover.length) {
    const why = problem ?? (answered ? "another host of the same name was also running" : "its host could not be reached");
    return { name, stopped: true, message: `stopped ${name}: ${why}; stopped its host by signal (${pidList(leftover)}) and cleared its state`, auditRecords };
  }
  if (!existed || (!record && !problem)) throw notRunning(name);
  if (problem && !record) throw new EngineError("ENCLAVE_NOT_RUNNING", `enclave ${name} is not running (${problem}); its state was cleared`);
  throw new EngineError(
    "ENCLAVE_NOT_RUNNING",
    `enclave ${name} was not running: its host process${record ? ` (pid ${record.pid})` : ""} had died; its stale state was cleared${keepAudit && existed ? " (its audit log was kept: sandbox-audit reads it)" : ""}`,
  );
}

const isLive = (h: HostProcess) => hostProcessOf(h.pid, h.name, h.startTicks) !== undefined;

/** Waits for these hosts to exit on their own. */
async function waitUntilGone(hosts: HostProcess[], ms: number) {
  const end = Date.now() + ms;
  while (hosts.some(isLive) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
}

export interface ListedInstance {
  name: string;
  definition: string;
  memoryPages: number;
  pid: number;
  startedAt: string;
  execCount: number;
  /** unreachable: a live host of this state directory that cannot be reached through
   *  its record (corrupt, missing, pointing elsewhere, or its socket is gone) */
  status: "running" | "unreachable" | "dead" | "corrupt";
  message?: string;
}

/** Every instance with state in the state directory, and every live host of it that
 *  no record leads to (found by its command line), so no host is ever invisible. */
export async function listInstances(): Promise<ListedInstance[]> {
  const root = instancesDir();
  const hosts = findHostProcesses();
  const names = new Set([...(existsSync(root) ? readdirSync(root) : []), ...hosts.map((h) => h.name)]);
  const out: ListedInstance[] = [];
  for (const name of [...names].sort()) {
    let listed: ListedInstance | undefined;
    let unreadable: string | undefined;
    try {
      const s = await instanceStatus(name);
      if (s.state !== "absent") {
        const r = s.record;
        listed = {
          name: r.name,
          definition: r.definition,
          memoryPages: r.memoryPages,
          pid: r.pid,
          startedAt: r.startedAt,
          execCount: r.execCount,
          status: s.state,
          ...(s.state !== "running" ? { message: s.why } : {}),
        };
      }
    } catch (e) {
      unreadable = (e as Error).message;
    }
    const others = hosts.filter((h) => h.name === name && h.pid !== listed?.pid);
    if (unreadable !== undefined && !others.length) {
      out.push({ name, definition: "?", memoryPages: 0, pid: 0, startedAt: "", execCount: 0, status: "corrupt", message: unreadable });
    }
    if (listed) out.push(listed);
    for (const h of others) {
      const why = unreadable ?? (listed ? `its state names another host (pid ${listed.pid})` : "it has no state file");
      out.push({
        name,
        definition: "?",
        memoryPages: 0,
        pid: h.pid,
        startedAt: h.startedAt,
        execCount: 0,
        status: "unreachable",
        message: `a host of ${name} (pid ${h.pid}) is running but cannot be reached: ${why}; sandbox-stop --enclave ${name} stops it`,
      });
    }
  }
  return out;
}
