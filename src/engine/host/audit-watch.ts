// Reads the guard's audit file while the guest runs, so the evidence leaves the worker
// as it happens: a guest that busy-loops, traps or crashes the worker after a denied
// call cannot take its violations with it. The guard only appends; records are read
// from where the last read ended, and one still being written waits for the next read.
import type { Sandbox } from "@wasmer/sdk/node";
import { decodeViolationsFrom, type DecodedViolation } from "../guard/violation-codes.js";

/** How often the file is checked while a guest runs (a stat; read only when it grew). */
const POLL_MS = 20;
/** A growing file is read at most this often, so a violation flood cannot make the
 *  worker spend its time re-reading a large file. */
const MAX_POLL_MS = 500;

export class AuditWatch {
  private offset = 0;
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private interval = POLL_MS;
  /** The guest's own exit status when it lies outside 0..255 (the SDK reports it
   *  modulo 256): recorded by the proc_exit guard. */
  exitStatus?: number;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly path: string,
    private readonly deliver: (records: DecodedViolation[]) => void,
  ) {}

  start(): void {
    const tick = () => {
      this.timer = setTimeout(() => void this.read().finally(() => this.timer && tick()), this.interval);
    };
    tick();
  }

  /** Reads what was appended since the last read and delivers it; one read at a time. */
  read(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Stops polling, delivers everything left and removes the file for the next exec. */
  async finish(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.reading;
    await this.read();
    await this.sandbox.fs.remove(this.path).catch(() => {});
    this.offset = 0;
  }

  /** The exit status to report for an SDK status `reported`. */
  guestStatus(reported: number): number {
    return this.exitStatus ?? reported;
  }

  private async readOnce(): Promise<void> {
    let size: number;
    try {
      size = (await this.sandbox.fs.stat(this.path)).size;
    } catch {
      return; // no violation yet
    }
    if (size <= this.offset) return;
    const began = performance.now();
    const bytes = await this.sandbox.fs.readFile(this.path).catch(() => undefined);
    if (!bytes) return;
    const { records, next, exitStatus } = decodeViolationsFrom(bytes, this.offset);
    this.offset = next;
    if (exitStatus !== undefined) this.exitStatus = exitStatus;
    this.interval = Math.min(MAX_POLL_MS, Math.max(POLL_MS, Math.round((performance.now() - began) * 10)));
    if (records.length) this.deliver(records);
  }
}
