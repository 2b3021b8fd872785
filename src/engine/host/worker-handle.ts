// The supervisor's side of one enclave worker: a thread of the host process that runs
// @wasmer/sdk. Terminating the thread is the hard kill: it also ends the SDK's own
// threads under it, so a guest that ignores its timeout stops spinning and its memory
// is released, while the host (and its socket, queue and audit) lives on. A thread
// rather than a second process halves an instance's processes and its idle memory.
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import type { ExecRequestArgs, Violation } from "../protocol/messages.js";
import type { LaunchConfig } from "./launch-config.js";
import type { FromWorker, ToWorker, WorkerOutcome, WorkspaceEntry } from "./worker-messages.js";

const WORKER = fileURLToPath(new URL("./worker-main.js", import.meta.url));

export interface ExecCallbacks {
  onOutput(stream: "stdout" | "stderr", data: Uint8Array): void;
  /** Violations as the guard records them, while the guest still runs. */
  onViolations(records: Violation[]): void;
}

export class WorkerHandle {
  private readonly thread: Worker;
  private readonly pending = new Map<number, { resolve(b: WorkerOutcome): void; reject(e: Error): void; cb: ExecCallbacks }>();
  private readonly drains = new Map<number, () => void>();
  private snapshotWaiter?: (entries: WorkspaceEntry[] | undefined) => void;
  private exited = false;
  readonly exitedPromise: Promise<string>;

  /** What ended the thread, when it was not a kill: its uncaught error. */
  private failure?: string;
  private killed = false;

  private constructor() {
    // The thread's console is the host's, which writes host.log.
    this.thread = new Worker(WORKER);
    this.thread.on("error", (e) => (this.failure = e.message.split("\n")[0]));
    this.exitedPromise = new Promise((resolve) => {
      this.thread.on("exit", (code) => {
        this.exited = true;
        const why = this.killed ? "killed" : this.failure ? `crashed: ${this.failure}` : `exited with status ${code}`;
        for (const p of this.pending.values()) p.reject(new Error(`enclave worker ${why}`));
        this.pending.clear();
        this.snapshotWaiter?.(undefined);
        for (const done of this.drains.values()) done();
        resolve(why);
      });
    });
    this.thread.on("message", (m: FromWorker) => this.onMessage(m));
  }

  /** The thread's id within the host process (for the host's log). */
  get threadId(): number {
    return this.thread.threadId;
  }

  /** Starts a worker thread, which loads the SDK and starts its runtime right away; boot
   *  it to get its sandbox. The host starts its first worker before it has read its
   *  launch configuration, so the two overlap. */
  static spawn(): WorkerHandle {
    return new WorkerHandle();
  }

  /** Starts a worker thread and waits until its sandbox passed the health check. */
  static boot(launch: LaunchConfig, snapshot?: WorkspaceEntry[], deadlineMs?: number): Promise<WorkerHandle> {
    return WorkerHandle.spawn().boot(launch, snapshot, deadlineMs);
  }

  /** Boots this (spawned, not yet booted) worker's sandbox and waits for its health check;
   *  the worker is killed if that fails. */
  async boot(launch: LaunchConfig, snapshot?: WorkspaceEntry[], deadlineMs = 60000): Promise<WorkerHandle> {
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not boot within ${deadlineMs} ms`)), deadlineMs);
      this.thread.on("message", (m: FromWorker) => {
        if (m.t !== "ready" && m.t !== "boot-failed") return;
        clearTimeout(timer);
        if (m.t === "ready") resolve();
        else reject(new Error(m.message));
      });
      void this.exitedPromise.then((why) => (clearTimeout(timer), reject(new Error(`worker ${why} while booting`))));
    });
    this.post({ t: "boot", launch, snapshot });
    try {
      await ready;
    } catch (e) {
      this.kill();
      throw e;
    }
    return this;
  }

  exec(id: number, args: ExecRequestArgs, cb: ExecCallbacks): Promise<WorkerOutcome> {
    if (this.exited) return Promise.reject(new Error("enclave worker is not running"));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, cb });
      this.post({ t: "exec", id, args });
    });
  }

  stdin(id: number, data: Uint8Array | undefined, eof: boolean): void {
    if (!this.exited) this.post({ t: "stdin", id, data, eof });
  }

  cancel(id: number): void {
    if (!this.exited) this.post({ t: "kill", id });
  }

  /** Asks the worker to hand over the exec's violations recorded so far, before it is
   *  killed; resolves when they arrived, when the worker is gone, or at the deadline. */
  drain(id: number, deadlineMs: number): Promise<void> {
    if (this.exited || !this.pending.has(id)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, deadlineMs);
      const drains = this.drains;
      function done() {
        clearTimeout(timer);
        drains.delete(id);
        resolve();
      }
      drains.set(id, done);
      this.post({ t: "drain", id });
    });
  }

  /** /workspace as the worker sees it now, or undefined if it cannot answer in time. */
  snapshot(deadlineMs: number): Promise<WorkspaceEntry[] | undefined> {
    if (this.exited) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), deadlineMs);
      this.snapshotWaiter = (e) => (clearTimeout(timer), (this.snapshotWaiter = undefined), resolve(e));
      this.post({ t: "snapshot" });
    });
  }

  /** Terminates the thread: the only way to stop a guest that ignores the SDK's timeout. */
  kill(): void {
    if (this.exited) return;
    this.killed = true;
    void this.thread.terminate();
  }

  /** Ends the thread as a crash would (the host's fault-injection signal, for tests). */
  crash(): void {
    if (this.exited) return;
    this.failure = "fault injected by the host (SIGUSR2)";
    void this.thread.terminate();
  }

  private post(m: ToWorker): void {
    this.thread.postMessage(m);
  }

  private onMessage(m: FromWorker) {
    switch (m.t) {
      case "output":
        this.pending.get(m.id)?.cb.onOutput(m.stream, m.data);
        break;
      case "violations":
        this.pending.get(m.id)?.cb.onViolations(m.records);
        break;
      case "drained":
        this.drains.get(m.id)?.();
        break;
      case "result":
        this.pending.get(m.id)?.resolve(m.body);
        this.pending.delete(m.id);
        break;
      case "error":
        if (m.id < 0) this.snapshotWaiter?.(undefined);
        this.pending.get(m.id)?.reject(new Error(m.message));
        this.pending.delete(m.id);
        break;
      case "snapshot":
        this.snapshotWaiter?.(m.entries);
        break;
    }
  }
}
