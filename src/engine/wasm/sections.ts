// The wasm binary's section layer, read once for admission (memory limits) and the
// rewrite (splicing the guard): sections with their byte ranges, names, vectors of
// entries and the import section.
import { Reader } from "./code.js";

export interface Section {
  id: number;
  /** First byte of the section's header (its id) and the payload's range. */
  headerStart: number;
  start: number;
  end: number;
  body: Uint8Array;
}

export const SECTION = { TYPE: 1, IMPORT: 2, FUNCTION: 3, MEMORY: 5, GLOBAL: 6, EXPORT: 7, CODE: 10 } as const;

/** The sections after the 8-byte preamble, in order. */
export function sections(bytes: Uint8Array): Section[] {
  const r = new Reader(bytes, 8);
  const out: Section[] = [];
  while (r.i < bytes.length) {
    const headerStart = r.i;
    const id = r.byte();
    const size = r.u32();
    out.push({ id, headerStart, start: r.i, end: r.i + size, body: bytes.subarray(r.i, r.i + size) });
    r.skip(size);
  }
  return out;
}

const dec = new TextDecoder();

/** A name (a byte vector read as UTF-8). */
export function readName(r: Reader): string {
  const n = r.u32();
  const s = dec.decode(r.b.subarray(r.i, r.i + n));
  r.skip(n);
  return s;
}

/** Memory or table limits, skipped. */
export function skipLimits(r: Reader): void {
  const flags = r.byte();
  r.u32();
  if (flags & 1) r.u32();
}

/** The element count of a vec section (0 when there is none). */
export function vecCount(body: Uint8Array | undefined): number {
  return body ? new Reader(body).u32() : 0;
}

/** Entries of a vec section as raw byte ranges, using `skipEntry` to find each end. */
export function entries(body: Uint8Array | undefined, skipEntry: (r: Reader) => void): Uint8Array[] {
  if (!body) return [];
  const r = new Reader(body);
  const n = r.u32();
  const out: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    const start = r.i;
    skipEntry(r);
    out.push(body.subarray(start, r.i));
  }
  return out;
}

export interface Import {
  module: string;
  name: string;
  kind: number;
  raw: Uint8Array; // the whole entry, re-emitted as is
  typeIndex?: number;
}

/** The import section's entries. */
export function parseImports(body: Uint8Array): Import[] {
  const r = new Reader(body);
  const n = r.u32();
  const out: Import[] = [];
  for (let k = 0; k < n; k++) {
    const start = r.i;
    const module = readName(r);
    const field = readName(r);
    const kind = r.byte();
    let typeIndex: number | undefined;
    if (kind === 0) typeIndex = r.u32();
    else if (kind === 1) {
      r.byte();
      skipLimits(r);
    } else if (kind === 2) skipLimits(r);
    else if (kind === 3) r.skip(2);
    else throw new Error(`import kind ${kind}`);
    out.push({ module, name: field, kind, typeIndex, raw: body.subarray(start, r.i) });
  }
  return out;
}
