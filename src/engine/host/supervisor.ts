// The instance host: a detached process per running enclave. It owns the socket,
// instance.json and the audit log, runs one exec at a time on its worker, and replaces
// the worker (restoring /workspace) whenever a guest had to be stopped by force.
// Started by supervisor-main.ts, which has started its first worker already.
import { createServer, Socket } from "node:net";
import { EngineError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { readFrames, writeFrame } from "../protocol/framing.js";
import { CommandTypes, ExecRequestArgs, ExecResponseBody, PROTOCOL_VERSION, Request, Response, StdinRequestArgs } from "../protocol/messages.js";
import { ENGINE_VERSION } from "../package-root.js";
import { procIdentity } from "../state/process-tree.js";
import { InstanceRecord, writeInstanceRecord } from "../state/instance-record.js";
import { removeOwnSocket, removeStaleSocket, SocketIdentity, socketIdentity } from "../state/socket-file.js";
import { appendAudit, toAuditRecords } from "../state/audit-log.js";
import { LaunchConfig, readLaunchConfig } from "./launch-config.js";
import { hostRuntimeMissing } from "./host-runtime.js";
import { ViolationTally } from "./violation-summary.js";
import { WorkerHandle } from "./worker-handle.js";
import type { WorkerOutcome } from "./worker-messages.js";

const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`);

/** Grace after the guest's timeout for the SDK's own answer, before the worker is killed
 *  regardless. The SDK's timeout rarely answers for a guest that keeps running (a busy
 *  loop, a sleep), and a timed-out worker is replaced either way, so it is short. */
const BACKSTOP_MS = 250;
const SNAPSHOT_DEADLINE_MS = 2000;
/** How long a worker about to be killed gets to hand over the exec's violations. */
const DRAIN_DEADLINE_MS = 300;

/** A worker replacement after an exec: `now` before the reply (the worker is dead
 *  already), otherwise after it, so the caller does not wait for the reboot. */
interface Recycle {
  why: string;
  workspace: "keep" | "reset" | "reset, told";
  now?: boolean;
}

/** One exec request: its worker-side id, its stdin, and how its client cancels it (by
 *  going away). stdin that arrives while the exec waits in the queue is held here: the
 *  worker it will run on may not exist yet (a recycle can be in progress). */
class ExecControl {
  cancelled = false;
  onCancel?: () => void;
  private worker?: WorkerHandle;
  private readonly early: { data?: Buffer; eof: boolean }[] = [];
  constructor(readonly id: number) {}

  cancel(): void {
    this.cancelled = true;
    this.onCancel?.();
  }

  stdin(data: Buffer | undefined, eof: boolean): void {
    if (this.worker) this.worker.stdin(this.id, data, eof);
    else this.early.push({ data, eof });
  }

  /** The exec starts on `worker`: from now on stdin goes there. */
  runsOn(worker: WorkerHandle): void {
    this.worker = worker;
    for (const m of this.early.splice(0)) worker.stdin(this.id, m.data, m.eof);
  }
}

class Supervisor {
  private worker!: WorkerHandle;
  private record!: InstanceRecord;
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private nextExecId = 1;
  private stopping = false;
  /** Told once, with the next exec's result. */
  private notice?: string;
  /** the socket file this host bound: it removes that one only, never a successor's */
  private socketId?: SocketIdentity;

  constructor(
    private readonly dir: string,
    private readonly launch: LaunchConfig,
  ) {}

  /** Boots `first` (a spawned worker) as the instance's worker, then serves. */
  async start(first: WorkerHandle): Promise<void> {
    const began = performance.now();
    this.worker = await first.boot(this.launch);
    const server = createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.launch.socket, () => resolve());
    });
    this.socketId = socketIdentity(this.launch.socket);
    const startTicks = procIdentity(process.pid)?.startTicks;
    this.record = {
      version: 1,
      name: this.launch.name,
      definition: this.launch.definition,
      memoryPages: this.launch.memoryPages,
      timeoutMs: this.launch.timeoutMs,
      outputBytes: this.launch.outputBytes,
      pid: process.pid,
      ...(startTicks !== undefined ? { hostStartTicks: startTicks } : {}),
      startedAt: new Date().toISOString(),
      execCount: 0,
      recycles: 0,
      socket: this.launch.socket,
      token: this.launch.token,
      engineVersion: ENGINE_VERSION,
      policyDigest: this.launch.policyDigest,
    };
    writeInstanceRecord(this.dir, this.record);
    log(`instance ${this.launch.name} ready in ${Math.round(performance.now() - began)} ms (worker thread ${this.worker.threadId})`);
    const missing = hostRuntimeMissing();
    if (missing.length) log(`started without the host's memory settings (${missing.join(", ")}): an idle instance takes more memory`);
    for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => this.shutdown(`signal ${sig}`));
    // Fault injection (the reliability tests, an operator's drill): the worker thread
    // dies as a crash would, and the host must recover as from any worker failure.
    process.on("SIGUSR2", () => (log("SIGUSR2: crashing the worker thread"), this.worker.crash()));
  }

  private accept(socket: Socket) {
    const inflight = new Map<number, ExecControl>();
    readFrames(
      socket,
      (frame) => {
        if (frame.type !== "request") return;
        void this.handle(socket, frame, inflight);
      },
      (e) => {
        this.reply(socket, { seq: -1, command: "unknown" } as unknown as Request, e);
        socket.destroy();
      },
    );
    // A client that goes away mid-exec (Ctrl-C, killed CI step) must not leave its guest running.
    socket.on("close", () => inflight.forEach((c) => c.cancel()));
    socket.on("error", () => {});
  }

  private async handle(socket: Socket, req: Request, inflight: Map<number, ExecControl>) {
    try {
      switch (req.command) {
        case CommandTypes.Hello:
          return this.reply(socket, req, undefined, {
            name: this.launch.name,
            pid: process.pid,
            token: this.launch.token,
            engineVersion: ENGINE_VERSION,
            protocol: PROTOCOL_VERSION,
          });
        case CommandTypes.Status:
          return this.reply(socket, req, undefined, { ...this.record });
        case CommandTypes.Exec: {
          // Worker-side ids are the supervisor's own: two clients' request numbers collide.
          const control = new ExecControl(this.nextExecId++);
          inflight.set(req.seq, control);
          // Reply as soon as the guest is done; a recycle then holds the queue, so the
          // next exec never lands on a worker with a runaway guest in it.
          return await this.enqueue(async () => {
            if (control.cancelled) {
              // cancelled while it queued: a client that is still there (a cancel request,
              // the interactive shell's Ctrl-C) gets its answer; nothing ran
              inflight.delete(req.seq);
              const body: ExecResponseBody = {
                guestExitCode: null,
                reason: "killed",
                durationMs: 0,
                violations: [],
                truncated: false,
                message: "cancelled before it ran",
              };
              return this.reply(socket, req, undefined, body as unknown as Record<string, unknown>);
            }
            const { body, recycle } = await this.exec(socket, req.seq, control, req.arguments as unknown as ExecRequestArgs);
            inflight.delete(req.seq);
            try {
              // The state on disk is current before anyone hears the result; a dead
              // worker is replaced first, so the result can say /workspace was lost.
              // Not fsynced: it only counts the exec, and a disk flush per exec (1-30 ms
              // on a busy disk) would be most of the round trip.
              writeInstanceRecord(this.dir, this.record, false);
              if (recycle?.now) await this.recycle(recycle.why, recycle.workspace);
            } catch (e) {
              log(`before replying to exec ${req.seq}: ${(e as Error).message}`);
            }
            if (this.notice && !recycle?.now) {
              body.notice = this.notice;
              this.notice = undefined;
            }
            this.reply(socket, req, undefined, body as unknown as Record<string, unknown>);
            // After the reply: a failure here is the next exec's concern, never a second answer.
            try {
              if (recycle && !recycle.now) await this.recycle(recycle.why, recycle.workspace);
            } catch (e) {
              log(`after exec ${req.seq}: ${(e as Error).message}`);
            }
          });
        }
        case CommandTypes.Stdin: {
          const a = req.arguments as unknown as StdinRequestArgs;
          return inflight.get(a.request_seq)?.stdin(a.data ? Buffer.from(a.data, "base64") : undefined, !!a.eof);
        }
        case CommandTypes.Cancel:
          return inflight.get((req.arguments as { request_seq: number }).request_seq)?.cancel();
        case CommandTypes.Stop:
          this.reply(socket, req, undefined, { name: this.launch.name });
          return this.shutdown("stop request");
      }
    } catch (e) {
      inflight.delete(req.seq);
      this.reply(socket, req, e instanceof EngineError ? e : new EngineError("INTERNAL", (e as Error).message));
    }
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => {});
    return run;
  }

  private async exec(socket: Socket, requestSeq: number, control: ExecControl, args: ExecRequestArgs): Promise<{ body: ExecResponseBody; recycle?: Recycle }> {
    if (this.stopping) throw new EngineError("ENCLAVE_NOT_RUNNING", `instance ${this.launch.name} is shutting down`);
    const worker = this.worker;
    const id = control.id;
    control.runsOn(worker);
    const execNumber = ++this.record.execCount;
    const began = performance.now();
    // The evidence lives here, not in the worker: it survives the worker being killed.
    const tally = new ViolationTally();
    let backstop: NodeJS.Timeout | undefined;
    // The SDK stops neither a timed-out nor a killed guest that keeps running: past a
    // grace, the exec ends here, the worker hands over its violations and is replaced.
    const forced = new Promise<WorkerOutcome>((resolve) => {
      const force = (reason: "timeout" | "killed", why: string) => {
        clearTimeout(backstop);
        log(`exec ${id}: ${why}; killing the worker`);
        void worker.drain(id, DRAIN_DEADLINE_MS).then(() =>
          resolve({
            guestExitCode: null,
            reason,
            durationMs: Math.round(performance.now() - began),
            truncated: false,
            ...(reason === "killed" ? { message: "the client went away; the guest was stopped" } : {}),
          }),
        );
      };
      backstop = setTimeout(() => force("timeout", `no result ${BACKSTOP_MS} ms after its timeout`), args.timeoutMs + BACKSTOP_MS);
      control.onCancel = () => {
        worker.cancel(id);
        clearTimeout(backstop);
        backstop = setTimeout(() => force("killed", `cancelled, still running ${BACKSTOP_MS} ms later`), BACKSTOP_MS);
      };
    });
    // the worker's outcome, or the supervisor's own when the worker died under the exec
    let outcome: Omit<WorkerOutcome, "reason"> & { reason: WorkerOutcome["reason"] | "failed" };
    let recycle: Recycle | undefined;
    try {
      outcome = await Promise.race([
        worker.exec(id, args, {
          onOutput: (stream, data) =>
            writeFrame(socket, {
              v: 1,
              seq: this.seq++,
              type: "event",
              event: "output",
              body: { request_seq: requestSeq, stream, data: Buffer.from(data).toString("base64") },
            }),
          onViolations: (records) => tally.add(records),
        }),
        forced,
      ]);
      // A guest stopped by force may still be spinning inside the worker: replace it.
      if (outcome.reason === "timeout" || outcome.reason === "killed" || outcome.workerBroken) {
        recycle = {
          why: `exec ${id} ${outcome.workerBroken ? "broke the sandbox" : outcome.reason}`,
          workspace: outcome.memoryExceeded ? "reset, told" : "keep",
        };
      }
    } catch (e) {
      // The worker died under this exec: the exec still gets its result, with every
      // violation recorded before the worker went (unless the instance is being
      // stopped, which is why it died), and the worker is replaced.
      const message = (e as Error).message;
      const durationMs = Math.round(performance.now() - began);
      outcome = this.stopping
        ? { guestExitCode: null, reason: "killed", durationMs, truncated: false, message: `enclave ${this.launch.name} was stopped while this exec ran` }
        : {
            guestExitCode: null,
            reason: "failed",
            durationMs,
            truncated: false,
            message: `enclave worker failed during exec: ${message}; the instance was restarted`,
          };
      if (!this.stopping) recycle = { why: `worker failed: ${message}`, workspace: "reset", now: true };
    } finally {
      clearTimeout(backstop);
      control.onCancel = undefined;
    }
    if (outcome.workdirMissing) {
      this.record.execCount--; // nothing ran
      throw new EngineError("WORKDIR_MISSING", outcome.message ?? "no such workdir");
    }
    const { violations, dropped } = tally.summary();
    appendAudit(this.dir, toAuditRecords(violations, this.launch.name, execNumber, dropped));
    const { memoryExceeded: _m, workerBroken: _w, workdirMissing: _d, ...visible } = outcome;
    const body: ExecResponseBody = {
      ...visible,
      reason: visible.reason === "exited" && violations.length ? "denied" : visible.reason,
      violations,
      ...(dropped ? { violationsDropped: dropped } : {}),
    };
    return { body, recycle };
  }

  /** Kill the worker and boot a fresh one with the same /workspace (when readable). A
   *  /workspace that is lost without the caller having been told is told to the next exec. */
  private async recycle(why: string, workspace: "keep" | "reset" | "reset, told"): Promise<void> {
    const old = this.worker;
    const snapshot = workspace === "keep" ? await old.snapshot(SNAPSHOT_DEADLINE_MS) : undefined;
    old.kill();
    await old.exitedPromise;
    log(`recycling worker (${why}); workspace ${snapshot ? `restored (${snapshot.length} entries)` : "not restored"}`);
    if (!snapshot && workspace !== "reset, told") {
      const cause = workspace === "keep" ? `could not be saved within ${SNAPSHOT_DEADLINE_MS} ms` : "was lost with the worker";
      this.notice = `the enclave restarted at ${new Date().toISOString()} (${why}); /workspace ${cause} and is empty now`;
    }
    this.worker = await WorkerHandle.boot(this.launch, snapshot);
    this.record.recycles = (this.record.recycles ?? 0) + 1;
    writeInstanceRecord(this.dir, this.record);
  }

  private reply(socket: Socket, req: Request, err?: EngineError, body?: Record<string, unknown>) {
    const res: Response = { v: 1, seq: this.seq++, type: "response", request_seq: req.seq, success: !err, command: req.command };
    if (err) Object.assign(res, { message: err.message, code: err.code });
    else if (body) res.body = body;
    writeFrame(socket, res);
  }

  private shutdown(why: string) {
    if (this.stopping) return;
    this.stopping = true;
    log(`stopping (${why})`);
    this.worker.kill();
    removeOwnSocket(this.launch.socket, this.socketId);
    // let execs in flight answer that they were stopped, for a second at most
    void Promise.race([this.queue, new Promise((r) => setTimeout(r, 1000))]).then(() => setTimeout(() => process.exit(0), 20));
  }
}

/** Runs the host of instance directory `dir` with `first`, its spawned first worker. */
export async function runHost(dir: string, first: WorkerHandle): Promise<void> {
  let launch: LaunchConfig;
  try {
    launch = readLaunchConfig(dir);
  } catch (e) {
    log(`cannot start: ${(e as Error).message}`);
    process.exit(ExitCode.CONFIG_INVALID);
  }
  try {
    await removeStaleSocket(launch.socket);
    await new Supervisor(dir, launch).start(first);
  } catch (e) {
    log(`boot failed: ${(e as Error).message}`);
    process.exit(ExitCode.FAILURE);
  }
}
