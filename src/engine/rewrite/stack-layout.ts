// Where the guard may borrow scratch memory in a guest: below the guest's shadow-stack
// pointer, as a C function with a large local array would, but never below the end of
// the guest's static data. Found from the module's bytes at admission:
//   - the stack-pointer global: by name (LLVM's `__stack_pointer`, AssemblyScript's
//     `~lib/memory/__stack_pointer`), else the mutable i32 global with a 16-aligned
//     initial address inside initial memory that guest code uses most (release builds
//     strip names; AssemblyScript also has many other mutable i32 globals, so "the
//     first one" picked a counter and the guard trapped);
//   - the floor: the end of the highest active data segment below the initial stack
//     pointer (an LLVM stack-first layout has none: the floor is the null page).
// A module whose stack cannot hold the scratch region at its start is refused, so the
// guard never traps later for want of memory.
import { EngineError } from "../errors.js";
import { Reader, rewriteBody } from "../wasm/code.js";

/** The guard template's import of the floor (an immutable i32), supplied by splice.ts. */
export const STACK_FLOOR = "__cr_stack_floor";
/** Bytes of scratch the guard carves below the stack pointer (guard/emitter.ts lays them out). */
export const GUARD_SCRATCH_BYTES = 17664;
/** Addresses below this are never lent to the guard (address 0 is NULL). */
export const NULL_PAGE = 1024;

export interface ShadowStack {
  /** Index of the stack-pointer global. */
  global: number;
  /** Its initial value: the top of the stack. */
  top: number;
  /** Lowest address the guard's scratch may reach (16-aligned). */
  floor: number;
}

export interface ModuleParts {
  globals?: Uint8Array;
  data?: Uint8Array;
  names?: Uint8Array; // the payload of the "name" custom section
  code: Uint8Array[]; // function bodies
  initialPages: number;
}

const STACK_POINTER_NAMES = new Set(["__stack_pointer", "~lib/memory/__stack_pointer"]);

const readName = (r: Reader) => {
  const n = r.u32();
  const s = new TextDecoder().decode(r.b.subarray(r.i, r.i + n));
  r.skip(n);
  return s;
};

interface GlobalInfo {
  mutable: boolean;
  i32: boolean;
  init?: number; // when the initialiser is a lone i32.const
}

function parseGlobals(body: Uint8Array | undefined): GlobalInfo[] {
  if (!body) return [];
  const r = new Reader(body);
  const n = r.u32();
  const out: GlobalInfo[] = [];
  for (let k = 0; k < n; k++) {
    const type = r.byte();
    const mutable = r.byte() === 1;
    // init is known only for the exact expression `i32.const c; end`
    let init: number | undefined;
    let ops = 0;
    for (;;) {
      const op = r.byte();
      if (op === 0x0b) break;
      ops++;
      if (op === 0x41) init = r.s32();
      else if (op === 0x42) r.skipSigned();
      else if (op === 0x43) r.skip(4);
      else if (op === 0x44) r.skip(8);
      else if (op === 0x23 || op === 0xd2) r.u32();
      else if (op === 0xd0) r.byte();
    }
    if (ops !== 1) init = undefined;
    out.push({ mutable, i32: type === 0x7f, init });
  }
  return out;
}

function namedStackPointer(names: Uint8Array | undefined): number | undefined {
  if (!names) return undefined;
  const r = new Reader(names);
  readName(r); // "name"
  while (r.i < names.length) {
    const sub = r.byte();
    const size = r.u32();
    const end = r.i + size;
    if (sub === 7) {
      const n = r.u32();
      for (let k = 0; k < n; k++) {
        const idx = r.u32();
        if (STACK_POINTER_NAMES.has(readName(r))) return idx;
      }
    }
    r.i = end;
  }
  return undefined;
}

/** Each active data segment as [start, end) in memory 0; null for a non-constant offset. */
function dataRanges(body: Uint8Array | undefined): [number, number][] | null {
  if (!body) return [];
  const r = new Reader(body);
  const n = r.u32();
  const out: [number, number][] = [];
  for (let k = 0; k < n; k++) {
    const flags = r.u32();
    let offset: number | undefined;
    if (flags === 0 || flags === 2) {
      if (flags === 2) r.u32();
      if (r.byte() !== 0x41) return null;
      offset = r.s32() >>> 0;
      if (r.byte() !== 0x0b) return null;
    }
    const len = r.u32();
    r.skip(len);
    if (offset !== undefined) out.push([offset, offset + len]);
  }
  return out;
}

/** The shadow stack of an admitted module, and how much of it the guard may borrow. */
export function findShadowStack(parts: ModuleParts, scratchBytes: number, label: string): ShadowStack {
  const refuse = (why: string) => new EngineError("MODULE_REJECTED", `${label}: ${why}`);
  const globals = parseGlobals(parts.globals);
  const memoryBytes = parts.initialPages * 65536;
  const candidate = (g: GlobalInfo | undefined) => !!g && g.mutable && g.i32 && g.init !== undefined && g.init > 0 && g.init % 4 === 0 && g.init <= memoryBytes;
  let sp = namedStackPointer(parts.names);
  if (sp === undefined || !candidate(globals[sp])) {
    const uses = new Map<number, number>();
    const ids = { func: (i: number) => i, type: (i: number) => i };
    for (const body of parts.code) rewriteBody(body, { ...ids, global: (i) => (uses.set(i, (uses.get(i) ?? 0) + 1), i) });
    sp = undefined;
    for (let k = 0; k < globals.length; k++) {
      if (candidate(globals[k]) && (uses.get(k) ?? 0) > 0 && (sp === undefined || uses.get(k)! > uses.get(sp)!)) sp = k;
    }
  }
  if (sp === undefined) {
    throw refuse(
      "has no shadow-stack pointer (a mutable i32 global holding a stack address); the policy guard borrows its scratch memory from the stack, so the module cannot be guarded (build it with an LLVM or AssemblyScript toolchain)",
    );
  }
  const top = globals[sp].init!;
  const ranges = dataRanges(parts.data);
  if (ranges === null) throw refuse("has a data segment at a non-constant address; the policy guard cannot place its scratch memory safely");
  let floor = NULL_PAGE;
  for (const [start, end] of ranges) if (start < top && end > floor) floor = end;
  floor = Math.ceil(floor / 16) * 16;
  if (top - scratchBytes < floor) {
    throw refuse(
      `its shadow stack (${top - floor} bytes below address ${top}) is smaller than the ${scratchBytes} bytes the policy guard needs; relink with a larger stack (clang -Wl,-z,stack-size=65536, asc --stackSize 65536)`,
    );
  }
  return { global: sp, top, floor };
}
