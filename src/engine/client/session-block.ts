// The block OpenShell writes at the end of each line of an interactive session
// (guest/openshell/sh/session.c): "\0OSH-SESSION:" NONCE "\0", then the netstrings
// FLAGS, REST, PS1, PS2, STATE and a newline, on the guest's stderr. The filter takes
// it out of the stream as it passes, holding back only bytes that could begin the
// marker. The nonce is new for every line and never visible to the line's commands,
// so guest output cannot pass for a block; and a block only carries the shell's own
// state: the verdict of a line comes from the engine, never from here.

export interface SessionBlock {
  /** The session ended (exit, exec, set -e). */
  ended: boolean;
  /** An incomplete command to continue on the next line (PS2), or "". */
  rest: string;
  ps1: string;
  ps2: string;
  /** Shell text that recreates the session's state in the next line's shell. */
  state: string;
}

const FIELDS = 5;

export class SessionBlockFilter {
  private readonly marker: Buffer;
  private held = Buffer.alloc(0);
  private captured?: Buffer[];

  constructor(nonce: string) {
    this.marker = Buffer.from(`\0OSH-SESSION:${nonce}\0`, "latin1");
  }

  /** The part of a stderr chunk to show now. */
  push(chunk: Buffer): Buffer {
    if (this.captured) {
      this.captured.push(chunk);
      return Buffer.alloc(0);
    }
    const data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const at = data.indexOf(this.marker);
    if (at >= 0) {
      this.captured = [data.subarray(at + this.marker.length)];
      this.held = Buffer.alloc(0);
      return data.subarray(0, at);
    }
    let keep = Math.min(this.marker.length - 1, data.length);
    while (keep > 0 && !data.subarray(data.length - keep).equals(this.marker.subarray(0, keep))) keep--;
    this.held = Buffer.from(data.subarray(data.length - keep));
    return data.subarray(0, data.length - keep);
  }

  /** Bytes held back when the stream ended without a block: they were the guest's. */
  leftover(): Buffer {
    return this.captured ? Buffer.alloc(0) : this.held;
  }

  /** The block, when one came whole (a line stopped by the engine has none). */
  block(): SessionBlock | undefined {
    if (!this.captured) return undefined;
    const data = Buffer.concat(this.captured);
    const fields: string[] = [];
    let pos = 0;
    while (fields.length < FIELDS) {
      const colon = data.indexOf(0x3a, pos);
      const len = colon > pos && colon - pos <= 10 ? Number(data.subarray(pos, colon).toString("latin1")) : NaN;
      if (!Number.isSafeInteger(len) || colon + 1 + len >= data.length || data[colon + 1 + len] !== 0x2c) return undefined;
      fields.push(data.subarray(colon + 1, colon + 1 + len).toString("utf8"));
      pos = colon + 2 + len;
    }
    const [flags, rest, ps1, ps2, state] = fields;
    return { ended: flags.includes("e"), rest: flags.includes("r") ? rest : "", ps1, ps2, state };
  }
}
