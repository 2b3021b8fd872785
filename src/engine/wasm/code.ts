// A minimal decoder of wasm function bodies: walks every instruction and lets the
// caller rewrite function and global indices (calls, ref.func, global.get/set). It
// knows the immediates of the core spec plus bulk memory, reference types, tail calls,
// exceptions, SIMD and atomics; anything else (GC) is refused rather than guessed.

export class Reader {
  constructor(
    readonly b: Uint8Array,
    public i = 0,
  ) {}
  byte(): number {
    if (this.i >= this.b.length) throw new Error("truncated");
    return this.b[this.i++];
  }
  u32(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const x = this.byte();
      v += (x & 0x7f) * 2 ** shift;
      if (!(x & 0x80)) return v;
      shift += 7;
    }
  }
  /** A signed LEB s32 (an i32.const immediate). */
  s32(): number {
    let v = 0;
    let shift = 0;
    let x: number;
    do {
      x = this.byte();
      v |= (x & 0x7f) << shift;
      shift += 7;
    } while (x & 0x80);
    if (shift < 32 && x & 0x40) v |= -1 << shift;
    return v | 0;
  }
  /** Skips a signed LEB (s32, s33, s64). */
  skipSigned(): void {
    while (this.byte() & 0x80);
  }
  skip(n: number): void {
    this.i += n;
  }
}

/** A growable byte buffer: building megabyte modules in JS arrays is slow. */
export class ByteWriter {
  private buf = new Uint8Array(4096);
  length = 0;
  private ensure(n: number) {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  push(...bytes: number[]): this {
    this.ensure(bytes.length);
    for (const b of bytes) this.buf[this.length++] = b;
    return this;
  }
  append(bytes: ArrayLike<number>): this {
    this.ensure(bytes.length);
    if (bytes instanceof Uint8Array) this.buf.set(bytes, this.length);
    else for (let k = 0; k < bytes.length; k++) this.buf[this.length + k] = bytes[k];
    this.length += bytes.length;
    return this;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

/** Signed LEB128 of a non-negative number: a block's type index is an s33, so 64..127
 *  need a second byte (a lone 0x40 would read as "no result"). */
export function slebNonNegative(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v % 128;
    v = Math.floor(v / 128);
    if (v === 0 && !(b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

export interface IndexMaps {
  func(i: number): number;
  global(i: number): number;
  type(i: number): number;
}

const MEMARG_SIMD = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 92, 93]);
const LANE_SIMD = new Set([21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34]);
const MEMARG_LANE_SIMD = new Set([84, 85, 86, 87, 88, 89, 90, 91]);

/** Rewrites one function body (locals + expression), returning the new bytes. */
export function rewriteBody(body: Uint8Array, maps: IndexMaps, onCall?: (target: number) => void): Uint8Array {
  const r = new Reader(body);
  const out = new ByteWriter();
  let from = 0;
  const flushTo = (end: number) => {
    out.append(body.subarray(from, end));
    from = end;
  };
  const replaceIndex = (map: (i: number) => number, notify = false) => {
    flushTo(r.i);
    const old = r.u32();
    const now = map(old);
    if (notify) onCall?.(now);
    out.push(...leb(now));
    from = r.i;
  };
  const memarg = () => {
    const align = r.u32();
    if (align & 0x40) r.u32();
    r.u32();
  };
  const blockType = () => {
    const t = body[r.i];
    if (t === 0x40 || (t >= 0x6f && t <= 0x7f))
      r.skip(1); // empty, or a value type
    else {
      flushTo(r.i);
      // s33 type index: non-negative, so its LEB reads as an unsigned one
      out.push(...slebNonNegative(maps.type(r.u32())));
      from = r.i;
    }
  };
  // locals
  const groups = r.u32();
  for (let g = 0; g < groups; g++) {
    r.u32();
    const t = r.byte();
    if (t === 0x63 || t === 0x64) throw new Error("typed references (GC) are not supported");
  }
  while (r.i < body.length) {
    const op = r.byte();
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04:
      case 0x06:
        blockType();
        break;
      case 0x1f: {
        blockType();
        const n = r.u32();
        for (let k = 0; k < n; k++) {
          const kind = r.byte();
          if (kind === 0 || kind === 1) r.u32();
          r.u32();
        }
        break;
      }
      case 0x07:
      case 0x08:
      case 0x09:
      case 0x18:
      case 0x0c:
      case 0x0d:
      case 0xd4:
      case 0xd6:
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x25:
      case 0x26:
        r.u32();
        break;
      case 0x0e: {
        const n = r.u32();
        for (let k = 0; k <= n; k++) r.u32();
        break;
      }
      case 0x10:
      case 0x12:
      case 0xd2:
        replaceIndex(maps.func, op !== 0xd2);
        break;
      case 0x11:
      case 0x13:
        replaceIndex(maps.type);
        r.u32();
        break;
      case 0x14:
      case 0x15:
        replaceIndex(maps.type);
        break;
      case 0x1c: {
        const n = r.u32();
        r.skip(n);
        break;
      }
      case 0x23:
      case 0x24:
        replaceIndex(maps.global);
        break;
      case 0x3f:
      case 0x40:
        r.u32();
        break;
      case 0x41:
      case 0x42:
        r.skipSigned();
        break;
      case 0x43:
        r.skip(4);
        break;
      case 0x44:
        r.skip(8);
        break;
      case 0xd0: {
        const t = body[r.i];
        if (t >= 0x60 && t <= 0x7f) r.skip(1);
        else r.skipSigned();
        break;
      }
      case 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break;
        if (sub === 8 || sub === 10 || sub === 12 || sub === 14) {
          r.u32();
          r.u32();
        } else if (sub === 9 || sub === 11 || sub === 13 || sub === 15 || sub === 16 || sub === 17) r.u32();
        else throw new Error(`unknown instruction 0xfc ${sub}`);
        break;
      }
      case 0xfd: {
        const sub = r.u32();
        if (MEMARG_SIMD.has(sub)) memarg();
        else if (sub === 12 || sub === 13) r.skip(16);
        else if (LANE_SIMD.has(sub)) r.skip(1);
        else if (MEMARG_LANE_SIMD.has(sub)) {
          memarg();
          r.skip(1);
        }
        break;
      }
      case 0xfe: {
        const sub = r.u32();
        if (sub === 3) r.skip(1);
        else memarg();
        break;
      }
      case 0xfb:
        throw new Error("GC instructions are not supported");
      default:
        if (op >= 0x28 && op <= 0x3e) memarg();
      // every other opcode has no immediates
    }
  }
  flushTo(body.length);
  return out.bytes();
}
