// The enclave worker: the only process that runs @wasmer/sdk. It is a child of the
// supervisor, which hard-kills it when a guest overruns (the SDK cannot stop a guest's
// thread) and starts a fresh one. It exits as soon as its supervisor goes away.
import { readFileSync } from "node:fs";
import { Wasmer, type Package, type Process, type Sandbox } from "@wasmer/sdk/node";
import { AUDIT_FILE_NAME } from "../rewrite/violation-codes.js";
import type { ExecRequestArgs } from "../protocol/messages.js";
import { AuditWatch } from "./audit-watch.js";
import { guestPackage } from "./guest-package.js";
import type { LaunchConfig } from "./launch-config.js";
import type { FromWorker, ToWorker, WorkerOutcome, WorkspaceEntry } from "./worker-messages.js";

const send = (m: FromWorker) => process.send?.(m);
/** Host memory allowed to a worker besides its guest's linear memory. */
const HOST_RSS_BASE = 768 * 1024 * 1024;
process.on("disconnect", () => process.exit(0));

let sandbox: Sandbox;
let guest: Package;
let launch: LaunchConfig;
const foreign = new Map<string, Package>();
const running = new Map<number, Process>();
const watches = new Map<number, AuditWatch>();
/** stdin that arrived before its exec's process was spawned (the exec may be queued). */
const earlyStdin = new Map<number, { data?: Uint8Array; eof?: boolean }[]>();

async function boot(config: LaunchConfig, snapshot: WorkspaceEntry[] | undefined) {
  launch = config;
  const wasmer = new Wasmer({ cache: false });
  guest = await wasmer.packages.create(guestPackage({ module: readFileSync(config.modulePath), shell: config.shell, commands: config.commands, files: config.files }));
  sandbox = await wasmer.sandboxes.create({ packages: [guest], network: { mode: "disabled" }, env: config.env });
  if (snapshot) await restoreWorkspace(snapshot);
  for (const mount of config.guard.mounts ?? []) await sandbox.fs.mkdir(mount.backing, { recursive: true });
  const check = await sandbox.command(guest.command(config.shell), ["-c", "true"]).run({ check: false, timeoutMs: 20000 });
  if (check.exitCode !== 0) throw new Error(`health check: '${config.shell} -c true' exited ${check.exitCode} (${check.reason}): ${check.stderr.text().trim()}`);
}

async function exec(id: number, args: ExecRequestArgs): Promise<WorkerOutcome> {
  const started = performance.now();
  const env = { ...launch.env, ...args.env };
  const command = args.wasm
    ? sandbox.command(await foreignPackage(args.wasm.path, args.wasm.digest), args.wasm.args, { env })
    : sandbox.command(guest.command(launch.shell), ["-c", args.script ?? ""], { env });
  // Violations leave this process as they happen (see audit-watch.ts).
  const decision = launch.guard.onViolation === "trap" ? "trapped" : "denied";
  const watch = new AuditWatch(sandbox, auditFile(), (records) => send({ t: "violations", id, records: records.map((v) => ({ ...v, decision })) }));
  watches.set(id, watch);
  watch.start();
  const proc = await command.spawn({ timeoutMs: args.timeoutMs, stdin: args.interactive ? "pipe" : "closed" });
  running.set(id, proc);
  for (const m of earlyStdin.get(id) ?? []) feedStdin(proc, m);
  earlyStdin.delete(id);
  let budget = launch.outputBytes;
  let truncated = false;
  // Files written inside the enclave live in this process's memory: bound them (and
  // anything else that grows the host) so a write flood cannot exhaust the machine.
  const rssLimit = HOST_RSS_BASE + launch.memoryPages * 65536;
  let overLimit = false;
  const watchdog = setInterval(() => {
    if (process.memoryUsage.rss() > rssLimit) {
      overLimit = true;
      void proc.kill().catch(() => {});
    }
  }, 200);
  const pump = async (stream: "stdout" | "stderr") => {
    const source = proc[stream];
    if (!source) return;
    for await (const chunk of source) {
      if (truncated) continue;
      const part = chunk.length > budget ? chunk.subarray(0, budget) : chunk;
      budget -= part.length;
      if (part.length) send({ t: "output", id, stream, data: Buffer.from(part) });
      if (budget <= 0 && chunk.length > part.length) {
        truncated = true;
        void proc.kill().catch(() => {});
      }
    }
  };
  // A guest trap (unreachable, or the guard's trap mode) rejects wait() rather than
  // resolving: it is an outcome of the guest, not a failure of the engine.
  const [out] = await Promise.all([
    proc.wait({ check: false }).catch((e: Error) => ({ exitCode: -1, reason: "trap" as const, message: e.message })),
    pump("stdout"),
    pump("stderr"),
  ]);
  clearInterval(watchdog);
  running.delete(id);
  await watch.finish();
  watches.delete(id);
  const trapped = out.reason === "trap";
  // A module that fails while being instantiated leaves the SDK's scheduler dead for
  // every later command: report it as the trap it is, and have the worker replaced.
  const broken = !!args.wasm && !trapped && out.exitCode !== 0 && !(await schedulerAlive());
  const reason = truncated || overLimit ? "killed" : out.reason === "timeout" ? "timeout" : out.reason === "terminated" ? "killed" : trapped || broken ? "trapped" : "exited";
  return {
    guestExitCode: out.reason === "exited" && !broken ? watch.guestStatus(out.exitCode) : null,
    reason,
    durationMs: Math.round(performance.now() - started),
    truncated,
    ...(overLimit ? { memoryExceeded: true } : {}),
    ...(broken ? { workerBroken: true } : {}),
    message: overLimit
      ? `the enclave's host memory exceeded ${Math.round(rssLimit / 1048576)} MiB (files written in the enclave count); the guest was stopped and /workspace reset`
      : truncated
        ? `output exceeded the limit of ${launch.outputBytes} bytes; the guest was stopped`
        : broken
          ? `the guest trapped: the module failed while being instantiated (status ${out.exitCode})`
          : trapped
            ? `the guest trapped: ${trapReason((out as { message?: string }).message)}`
            : undefined,
  };
}

/** True when the sandbox still runs commands (a failed instantiation kills its scheduler). */
async function schedulerAlive(): Promise<boolean> {
  try {
    const r = await sandbox.command(guest.command(launch.shell), ["-c", "true"]).run({ check: false, timeoutMs: 5000 });
    return r.exitCode === 0;
  } catch {
    return false;
  }
}

/** SDK errors can carry a JS stack in their message: the first line names the problem. */
function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split("\n")[0].trim() || "unknown error";
}

/** The trap's own words ("unreachable", "integer divide by zero"): never the JS stack. */
function trapReason(message: string | undefined): string {
  const first = firstLine(message ?? "");
  const at = first.lastIndexOf("RuntimeError: ");
  const own = at >= 0 ? first.slice(at + "RuntimeError: ".length) : first;
  return own.replace(/^js: /, "").trim() || "unknown";
}

function feedStdin(proc: Process, m: { data?: Uint8Array; eof?: boolean }) {
  if (!proc.stdin) return;
  (m.eof ? proc.stdin.close() : proc.stdin.write(new Uint8Array(m.data!))).catch(() => {});
}

async function foreignPackage(path: string, digest: string): Promise<Package> {
  let pkg = foreign.get(digest);
  if (!pkg) {
    pkg = await sandbox.installPackage(readFileSync(path));
    foreign.set(digest, pkg);
  }
  return pkg;
}

/** The guard's audit file, in the storage root where no guest path reaches. */
const auditFile = () => `${launch.workdir}/${AUDIT_FILE_NAME}`;

async function snapshotWorkspace(): Promise<WorkspaceEntry[]> {
  const out: WorkspaceEntry[] = [];
  const walk = async (dir: string) => {
    for (const e of await sandbox.fs.readDir(dir)) {
      const path = `${dir}/${e.name}`;
      if (e.name === AUDIT_FILE_NAME) continue;
      if (e.kind === "directory") {
        out.push({ path, kind: "directory" });
        await walk(path);
      } else out.push({ path, kind: "file", data: Buffer.from(await sandbox.fs.readFile(path)) });
    }
  };
  await walk(launch.workdir);
  return out;
}

async function restoreWorkspace(entries: WorkspaceEntry[]) {
  for (const e of entries) {
    if (e.kind === "directory") await sandbox.fs.mkdir(e.path, { recursive: true });
    else await sandbox.fs.writeFile(e.path, new Uint8Array(e.data!));
  }
}

process.on("message", (msg: ToWorker) => {
  const fail = (id: number, e: unknown) => send({ t: "error", id, message: firstLine(e) });
  switch (msg.t) {
    case "boot":
      boot(msg.launch, msg.snapshot).then(() => send({ t: "ready" }), (e) => send({ t: "boot-failed", message: firstLine(e) }));
      break;
    case "exec":
      exec(msg.id, msg.args).then((body) => send({ t: "result", id: msg.id, body }), (e) => fail(msg.id, e));
      break;
    case "stdin": {
      const proc = running.get(msg.id);
      if (proc) feedStdin(proc, msg);
      else earlyStdin.set(msg.id, [...(earlyStdin.get(msg.id) ?? []), msg]);
      break;
    }
    case "drain": {
      // The supervisor is about to kill this worker: hand over every violation first.
      const watch = watches.get(msg.id);
      void (watch ? watch.read() : Promise.resolve()).then(() => send({ t: "drained", id: msg.id }));
      break;
    }
    case "kill":
      void running.get(msg.id)?.kill().catch(() => {});
      break;
    case "snapshot":
      snapshotWorkspace().then((entries) => send({ t: "snapshot", entries }), (e) => fail(-1, e));
      break;
  }
});
send({ t: "alive" });
