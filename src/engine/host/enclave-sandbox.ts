// One enclave's @wasmer/sdk sandbox: boot it from a launch configuration, run execs in
// it, stream their output and violations, save and restore /workspace. Used by the
// worker thread (worker-main.ts, under a supervisor that can hard-kill it) and by the
// one-shot runner (coreason-engine, in its own process that exits when done).
import { readFileSync } from "node:fs";
import { Wasmer, type Package, type Process, type Sandbox } from "@wasmer/sdk/node";
import type { ExecRequestArgs, Violation } from "../protocol/messages.js";
import { AUDIT_FILE_NAME } from "../guard/violation-codes.js";
import { AuditWatch } from "./audit-watch.js";
import { guestPackage } from "./guest-package.js";
import type { LaunchConfig } from "./launch-config.js";
import type { WorkerOutcome, WorkspaceEntry } from "./worker-messages.js";
import { backingPath, imageDirectories } from "../policy/workdir.js";
import { DEVICE_PLACEHOLDER_FILES } from "../policy/devices.js";

/** Host memory allowed to a sandbox besides its guest's linear memory. */
const HOST_RSS_BASE = 768 * 1024 * 1024;

/** The part of a launch configuration a sandbox needs (the runner has no socket). */
export type SandboxConfig = Pick<LaunchConfig, "modulePath" | "shell" | "commands" | "files" | "env" | "guard" | "workdir" | "memoryPages" | "outputBytes">;

export interface ExecEvents {
  output(stream: "stdout" | "stderr", data: Buffer): void;
  /** Violations as the guard records them, while the guest still runs. */
  violations(records: Violation[]): void;
}

type StdinMessage = { data?: Uint8Array; eof?: boolean };

export class EnclaveSandbox {
  private readonly foreign = new Map<string, Package>();
  private readonly running = new Map<number, Process>();
  private readonly watches = new Map<number, AuditWatch>();
  /** stdin that arrived before its exec's process was spawned (the exec may be queued). */
  private readonly earlyStdin = new Map<number, StdinMessage[]>();

  private constructor(
    private readonly launch: SandboxConfig,
    private readonly sandbox: Sandbox,
    private readonly guest: Package,
  ) {}

  /** A sandbox with the guest package, the mounts' backing directories and `snapshot`
   *  restored; `healthCheck` runs `SHELL -c true` once. `wasmer`: a client whose
   *  runtime may already be starting (the worker's), used for this one sandbox. */
  static async boot(config: SandboxConfig, snapshot?: WorkspaceEntry[], healthCheck = true, wasmer = new Wasmer({ cache: false })): Promise<EnclaveSandbox> {
    const guest = await wasmer.packages.create(
      guestPackage({ module: readFileSync(config.modulePath), shell: config.shell, commands: config.commands, files: config.files }),
    );
    // No sandbox-wide environment: the SDK merges it into every command's, and an exec
    // with envClear must get exactly its own (each command is given the enclave's env).
    const sandbox = await wasmer.sandboxes.create({ packages: [guest], network: { mode: "disabled" }, env: {} });
    const box = new EnclaveSandbox(config, sandbox, guest);
    if (snapshot) await box.restore(snapshot);
    for (const mount of config.guard.mounts ?? []) await sandbox.fs.mkdir(mount.backing, { recursive: true });
    if (healthCheck) {
      const check = await sandbox.command(guest.command(config.shell), ["-c", "true"], { env: config.env }).run({ check: false, timeoutMs: 20000 });
      if (check.exitCode !== 0)
        throw new Error(`health check: '${config.shell} -c true' exited ${check.exitCode} (${check.reason}): ${check.stderr.text().trim()}`);
    }
    return box;
  }

  /** No exec is running. */
  idle(): boolean {
    return this.running.size === 0;
  }

  /** Runs the guest's own command (the runner's module) with `args`, as an exec. */
  execGuest(id: number, args: string[], opts: Omit<ExecRequestArgs, "script" | "wasm">, events: ExecEvents): Promise<WorkerOutcome> {
    return this.run(id, this.sandbox.command(this.guest.command(this.launch.shell), args, { env: this.envFor(opts) }), opts, events, true);
  }

  async exec(id: number, args: ExecRequestArgs, events: ExecEvents): Promise<WorkerOutcome> {
    const missing = args.workdir && (await this.missingWorkdir(args.workdir));
    if (missing) return { guestExitCode: null, reason: "exited", durationMs: 0, truncated: false, workdirMissing: true, message: missing };
    const command = args.wasm
      ? this.sandbox.command(await this.foreignPackage(args.wasm.path, args.wasm.digest, args.wasm.argv0), args.wasm.args, { env: this.envFor(args) })
      : this.sandbox.command(this.guest.command(this.launch.shell), ["-c", args.script ?? ""], { env: this.envFor(args) });
    return this.run(id, command, args, events, !!args.wasm);
  }

  stdin(id: number, m: StdinMessage): void {
    const proc = this.running.get(id);
    if (proc) feedStdin(proc, m);
    else this.earlyStdin.set(id, [...(this.earlyStdin.get(id) ?? []), m]);
  }

  kill(id: number): void {
    void this.running
      .get(id)
      ?.kill()
      .catch(() => {});
  }

  /** Hands over the exec's violations recorded so far (before a hard kill). */
  async drain(id: number): Promise<void> {
    await this.watches.get(id)?.read();
  }

  /** Writes a host file into the sandbox's storage (`path` as the SDK names it). */
  async writeFile(path: string, data: Uint8Array): Promise<void> {
    await this.sandbox.fs.writeFile(path, data);
  }

  async mkdir(path: string): Promise<void> {
    await this.sandbox.fs.mkdir(path, { recursive: true });
  }

  async snapshot(): Promise<WorkspaceEntry[]> {
    const out: WorkspaceEntry[] = [];
    const walk = async (dir: string) => {
      for (const e of await this.sandbox.fs.readDir(dir)) {
        const path = `${dir}/${e.name}`;
        if (e.name === AUDIT_FILE_NAME) continue;
        if (e.kind === "directory") {
          out.push({ path, kind: "directory" });
          await walk(path);
        } else out.push({ path, kind: "file", data: Buffer.from(await this.sandbox.fs.readFile(path)) });
      }
    };
    await walk(this.launch.workdir);
    return out;
  }

  private async restore(entries: WorkspaceEntry[]) {
    for (const e of entries) {
      if (e.kind === "directory") await this.sandbox.fs.mkdir(e.path, { recursive: true });
      else await this.sandbox.fs.writeFile(e.path, new Uint8Array(e.data!));
    }
  }

  /** Undefined when guest path `dir` (normalised, granted) is a directory of the
   *  enclave, else why not: what docker exec -w refuses before anything runs. */
  async missingWorkdir(dir: string): Promise<string | undefined> {
    const backing = backingPath(dir, this.launch.guard.mounts);
    let kind: string | undefined;
    if (backing === undefined) {
      const image = [...Object.keys({ ...DEVICE_PLACEHOLDER_FILES, ...this.launch.files }), ...this.launch.commands.map((c) => `/bin/${c}`)];
      kind = imageDirectories(image).has(dir) ? "directory" : image.includes(dir) ? "file" : undefined;
    } else
      kind = await this.sandbox.fs.stat(backing).then(
        (st) => st.kind,
        () => undefined,
      );
    if (kind === "directory") return undefined;
    return `workdir ${dir}: ${kind ? "not a directory" : "no such directory"} in the enclave (as docker exec -w, nothing ran)`;
  }

  /** The exec's environment; with a workdir, PWD names it (the enclave's shell starts there). */
  private envFor(args: Pick<ExecRequestArgs, "env" | "envClear" | "workdir">): Record<string, string> {
    const env = args.envClear ? { ...args.env } : { ...this.launch.env, ...args.env };
    return args.workdir ? { ...env, PWD: args.workdir } : env;
  }

  /** The guard's audit file, in the storage root where no guest path reaches. */
  private get auditFile(): string {
    return `${this.launch.workdir}/${AUDIT_FILE_NAME}`;
  }

  private async run(
    id: number,
    command: ReturnType<Sandbox["command"]>,
    args: Pick<ExecRequestArgs, "timeoutMs" | "interactive" | "outputBytes">,
    events: ExecEvents,
    foreignModule: boolean,
  ): Promise<WorkerOutcome> {
    const started = performance.now();
    const launch = this.launch;
    // Violations leave the sandbox as they happen (see audit-watch.ts).
    const decision = launch.guard.onViolation === "trap" ? "trapped" : "denied";
    const watch = new AuditWatch(this.sandbox, this.auditFile, (records) => events.violations(records.map((v) => ({ ...v, decision }))));
    this.watches.set(id, watch);
    watch.start();
    const proc = await command.spawn({ timeoutMs: args.timeoutMs, stdin: args.interactive ? "pipe" : "closed" });
    this.running.set(id, proc);
    for (const m of this.earlyStdin.get(id) ?? []) feedStdin(proc, m);
    this.earlyStdin.delete(id);
    const outputBytes = args.outputBytes ?? launch.outputBytes;
    let budget = outputBytes;
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
        // Violations before output: what a client sees after a denied call always comes
        // with the violation, even if the worker dies a moment later.
        await watch.read();
        if (part.length) events.output(stream, Buffer.from(part));
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
    this.running.delete(id);
    await watch.finish();
    this.watches.delete(id);
    const trapped = out.reason === "trap";
    // A module that fails while being instantiated leaves the SDK's scheduler dead for
    // every later command: report it as the trap it is, and have the worker replaced.
    const broken = foreignModule && !trapped && out.exitCode !== 0 && !(await this.schedulerAlive());
    const reason =
      truncated || overLimit
        ? "killed"
        : out.reason === "timeout"
          ? "timeout"
          : out.reason === "terminated"
            ? "killed"
            : trapped || broken
              ? "trapped"
              : "exited";
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
          ? `output exceeded the limit of ${outputBytes} bytes; the guest was stopped`
          : broken
            ? `the guest trapped: the module failed while being instantiated (status ${out.exitCode})`
            : trapped
              ? `the guest trapped: ${trapReason((out as { message?: string }).message)}`
              : undefined,
    };
  }

  /** True when the sandbox still runs commands (a failed instantiation kills its scheduler). */
  private async schedulerAlive(): Promise<boolean> {
    try {
      const r = await this.sandbox
        .command(this.guest.command(this.launch.shell), ["-c", "true"], { env: this.launch.env })
        .run({ check: false, timeoutMs: 5000 });
      return r.exitCode === 0;
    } catch {
      return false;
    }
  }

  /** A foreign module as a package whose one command is named argv0: the SDK passes the
   *  command's name as argv[0] (a raw module's is "main"). */
  private async foreignPackage(path: string, digest: string, argv0 = "main"): Promise<Package> {
    const key = `${digest}:${argv0}`;
    let pkg = this.foreign.get(key);
    if (!pkg) {
      const def = await this.sandbox.wasmer.packages.create({
        modules: { module: readFileSync(path) },
        commands: { [argv0]: { module: "module" } },
        entrypoint: argv0,
      });
      pkg = await this.sandbox.installPackage(def);
      this.foreign.set(key, pkg);
    }
    return pkg;
  }
}

/** SDK errors can carry a JS stack in their message: the first line names the problem. */
export function firstLine(e: unknown): string {
  return (
    String((e as Error)?.message ?? e)
      .split("\n")[0]
      .trim() || "unknown error"
  );
}

/** The trap's own words ("unreachable", "integer divide by zero"): never the JS stack. */
function trapReason(message: string | undefined): string {
  const first = firstLine(message ?? "");
  const at = first.lastIndexOf("RuntimeError: ");
  const own = at >= 0 ? first.slice(at + "RuntimeError: ".length) : first;
  return own.replace(/^js: /, "").trim() || "unknown";
}

function feedStdin(proc: Process, m: StdinMessage) {
  if (!proc.stdin) return;
  (m.eof ? proc.stdin.close() : proc.stdin.write(new Uint8Array(m.data!))).catch(() => {});
}
