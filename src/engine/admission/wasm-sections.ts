// Memory limits of a module, read and rewritten (the cap is applied per start, on top
// of a cached guarded module), over the shared section reader (src/engine/wasm/).
import { leb, Reader } from "../wasm/code.js";
import { sections } from "../wasm/sections.js";

export function readLeb(bytes: Uint8Array, at: number): { value: number; next: number } {
  const r = new Reader(bytes, at);
  const value = r.u32();
  return { value, next: r.i };
}

export const writeLeb = leb;

export interface MemoryLimits {
  initial: number;
  maximum?: number;
  shared: boolean;
}

const MEMORY_SECTION = 5;

/** Limits of every memory the module defines (imported memories are not listed). */
export function definedMemories(bytes: Uint8Array): MemoryLimits[] {
  const sec = sections(bytes).find((s) => s.id === MEMORY_SECTION);
  if (!sec) return [];
  let i = sec.start;
  const count = readLeb(bytes, i);
  i = count.next;
  const out: MemoryLimits[] = [];
  for (let k = 0; k < count.value; k++) {
    const flags = bytes[i++];
    const initial = readLeb(bytes, i);
    i = initial.next;
    let maximum: number | undefined;
    if (flags & 1) {
      const max = readLeb(bytes, i);
      maximum = max.value;
      i = max.next;
    }
    out.push({ initial: initial.value, maximum, shared: (flags & 2) !== 0 });
  }
  return out;
}

/** Returns a copy whose single defined memory has maximum `pages` (keeping a lower one). */
export function capMemory(bytes: Uint8Array, pages: number): Uint8Array {
  const secs = sections(bytes);
  const sec = secs.find((s) => s.id === MEMORY_SECTION);
  if (!sec) throw new Error("module defines no memory");
  const [mem, ...rest] = definedMemories(bytes);
  if (!mem || rest.length) throw new Error("module must define exactly one memory");
  const maximum = Math.min(mem.maximum ?? pages, pages);
  const payload = [1, 1, ...writeLeb(mem.initial), ...writeLeb(maximum)];
  const section = [MEMORY_SECTION, ...writeLeb(payload.length), ...payload];
  const out = new Uint8Array(bytes.length - (sec.end - sec.headerStart) + section.length);
  out.set(bytes.subarray(0, sec.headerStart), 0);
  out.set(section, sec.headerStart);
  out.set(bytes.subarray(sec.end), sec.headerStart + section.length);
  return out;
}
