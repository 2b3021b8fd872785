// Instrumentation without a binaryen round trip: the guard is generated once per
// policy as a small template module (guard/template.ts), then spliced into the guest's
// binary. Guarded imports are redirected to their guards, the real imports the guards
// need are appended, and every function index in the code is renumbered. The proof that
// only guard code reaches a raw import is taken on the way, from the rewritten calls.
import { GUARD_EXPORT_PREFIX, START_EXPORT, TARGET_MODULE } from "./template-abi.js";
import { EngineError } from "../errors.js";
import { guardedUnder, WASI_MODULE } from "./wasi-preview1.js";
import { findShadowStack, GUARD_SCRATCH_BYTES, STACK_FLOOR } from "./stack-layout.js";
import { ByteWriter, IndexMaps, leb, Reader, rewriteBody, slebNonNegative } from "../wasm/code.js";
import { entries, Import, parseImports, readName as name, sections, vecCount } from "../wasm/sections.js";

/** Rewrites a constant expression (ref.func, global.get) up to and including `end`. */
function constExpr(r: Reader, maps: IndexMaps, out: number[]) {
  for (;;) {
    const op = r.byte();
    out.push(op);
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42) {
      const s = r.i;
      r.skipSigned();
      append(out, r.b.subarray(s, r.i));
    } else if (op === 0x43 || op === 0x44) {
      const n = op === 0x43 ? 4 : 8;
      append(out, r.b.subarray(r.i, r.i + n));
      r.skip(n);
    } else if (op === 0x23) out.push(...leb(maps.global(r.u32())));
    else if (op === 0xd2) out.push(...leb(maps.func(r.u32())));
    else if (op === 0xd0) out.push(r.byte());
    // extended-const arithmetic has no immediates
  }
}

function append(out: number[], bytes: ArrayLike<number>) {
  for (let k = 0; k < bytes.length; k++) out.push(bytes[k]);
}

function vec(items: ArrayLike<number>[]): Uint8Array {
  const w = new ByteWriter().push(...leb(items.length));
  for (const it of items) w.append(it);
  return w.bytes();
}

/** Test hook: lets a test corrupt the guest's function map and watch the proof fail. */
export interface SpliceHooks {
  tamperGuestCall?(mapped: number, rawImports: { first: number; count: number }): number;
}

export interface SpliceResult {
  bytes: Uint8Array;
  /** The WASI functions the guest imports that now reach a guard. */
  guarded: string[];
}

/** Splices the guard template (exporting `guard_<name>` per guardable function and
 *  `__cr_start`) into `target`, an admitted module. Sockets are interposed only when
 *  the network is disabled (guardedUnder). */
export function spliceGuard(target: Uint8Array, template: Uint8Array, label: string, network: string, hooks: SpliceHooks = {}): SpliceResult {
  const T = sections(target);
  const G = sections(template);
  const tsec = (id: number) => T.find((s) => s.id === id)?.body;
  const gsec = (id: number) => G.find((s) => s.id === id)?.body;

  const tImports = parseImports(tsec(2) ?? new Uint8Array([0]));
  const gImports = parseImports(gsec(2) ?? new Uint8Array([0]));
  if (tImports.some((i) => i.kind !== 0)) throw new EngineError("MODULE_REJECTED", `${label}: only function imports are admitted`);
  const nImpT = tImports.length;
  const guardable = guardedUnder(network);
  const guarded = new Set(tImports.filter((i) => i.module === WASI_MODULE && guardable.has(i.name)).map((i) => i.name));
  const nTypesT = vecCount(tsec(1));
  const nDefT = vecCount(tsec(3));
  const nGlobT = vecCount(tsec(6));

  const exportsOf = (body: Uint8Array | undefined) =>
    entries(body, (r) => (name(r), r.byte(), r.u32())).map((e) => {
      const r = new Reader(e);
      return { name: name(r), kind: r.byte(), index: r.u32() };
    });
  const targetExports = exportsOf(tsec(7));
  const templateExports = exportsOf(gsec(7));
  const startExport = targetExports.find((e) => e.name === "_start" && e.kind === 0);
  if (!startExport) throw new EngineError("MODULE_REJECTED", `${label}: exports no _start function`);
  const crStart = templateExports.find((e) => e.name === START_EXPORT);
  if (!crStart) throw new Error(`guard template exports no ${START_EXPORT}`);

  // Only the template code the guest can reach is kept: the _start wrapper and the guards
  // of the functions the guest imports. Every import costs @wasmer/sdk work on each run,
  // so the guest's imports of guarded functions are dropped (their calls now reach the
  // guards), and a raw import the guards need is shared with the guest's own import of
  // the same unguarded function (fd_write for the audit log, fd_prestat_get, ...).
  const gFuncImports = gImports.filter((i) => i.kind === 0);
  const gBodies = bodies(gsec(10));
  const guardExport = new Map<string, number>();
  for (const e of templateExports)
    if (e.kind === 0 && e.name.startsWith(GUARD_EXPORT_PREFIX)) guardExport.set(e.name.slice(GUARD_EXPORT_PREFIX.length), e.index);
  // a module that cannot read links gets the guards that follow none (no new import)
  const readsLinks = tImports.some((i) => i.module === WASI_MODULE && i.name === "path_readlink");
  if (!readsLinks) for (const e of templateExports) if (e.kind === 0 && e.name.startsWith("guardlite_")) guardExport.set(e.name.slice(10), e.index);
  for (const n of guarded) if (!guardExport.has(n)) throw new Error(`guard template has no guard for ${n}`);
  const live = reachable([crStart.index, ...[...guarded].map((n) => guardExport.get(n)!)], gFuncImports.length, gBodies);

  const kept = tImports.filter((i) => !(i.module === WASI_MODULE && guarded.has(i.name)));
  const keptIndex = new Map(kept.map((imp, k) => [imp, k]));
  const shared = (imp: Import) => kept.findIndex((t) => t.module === imp.module && t.name === imp.name);
  const raw = gFuncImports.filter((imp, j) => imp.module !== TARGET_MODULE && live.has(j) && shared(imp) < 0);
  const K = kept.length;
  const I = K + raw.length; // imports in the output
  const templateFunc = (i: number): number => {
    if (i < gFuncImports.length) {
      const imp = gFuncImports[i];
      if (imp.module === TARGET_MODULE) return targetFunc(startExport.index);
      const own = shared(imp);
      if (own >= 0) return own;
      const k = raw.indexOf(imp);
      if (k < 0) throw new Error(`guard template: raw import ${imp.name} of dead code referenced`);
      return K + k;
    }
    return I + nDefT + (i - gFuncImports.length);
  };
  const guardIndex = new Map([...guarded].map((n) => [n, templateFunc(guardExport.get(n)!)]));
  const targetFunc = (i: number): number => {
    if (i >= nImpT) return I + (i - nImpT);
    const imp = tImports[i];
    return keptIndex.get(imp) ?? guardIndex.get(imp.name)!;
  };

  // Globals: the template's imported stack pointer is the target's; the floor of its
  // scratch memory is a new constant global after the target's; the template's own follow.
  const stack = findShadowStack(
    {
      globals: tsec(6),
      data: tsec(11),
      names: T.find((s) => s.id === 0 && isNameSection(s.body))?.body,
      code: bodies(tsec(10)),
      initialPages: definedMemoryPages(tsec(5)),
    },
    GUARD_SCRATCH_BYTES,
    label,
  );
  const gGlobalImportNames = gImports.filter((i) => i.kind === 3).map((i) => i.name);
  const gGlobalImports = gGlobalImportNames.length;
  const floorGlobal = nGlobT;
  const templateGlobal = (i: number) =>
    i < gGlobalImports ? (gGlobalImportNames[i] === STACK_FLOOR ? floorGlobal : stack.global) : nGlobT + 1 + (i - gGlobalImports);

  const tamper = hooks.tamperGuestCall;
  const tMaps: IndexMaps = { func: tamper ? (i) => tamper(targetFunc(i), { first: K, count: raw.length }) : targetFunc, global: (i) => i, type: (i) => i };
  const gMaps: IndexMaps = { func: templateFunc, global: templateGlobal, type: (i) => nTypesT + i };
  // Appended raw imports are reached by guard code only: the proof.
  const rawLo = K;
  const rawHi = I;
  const proof = (where: string) => (callee: number) => {
    if (callee >= rawLo && callee < rawHi) throw new EngineError("INTERNAL", `${label}: guard proof failed: ${where} calls a raw import directly`);
  };

  // A start section runs while the module is instantiated, where a trap kills the
  // SDK's scheduler for every later command of the sandbox. It becomes the first call of
  // a new entry point instead (start, then the guard's _start wrapper), so its trap is
  // an ordinary trap of this exec. Nothing else can run between the two for a command.
  const startSection = tsec(8);
  const entryIndex = I + nDefT + gBodies.length;
  const entry = startSection ? startEntry(targetFunc(new Reader(startSection).u32()), templateFunc(crStart.index), proof("the start function")) : undefined;
  const entryType = () => {
    const own = startExport.index - nImpT;
    if (own < 0) throw new EngineError("MODULE_REJECTED", `${label}: _start is an import, not a function of the module`);
    return new Reader(entries(tsec(3), (r) => r.u32())[own]).u32();
  };

  const out = new ByteWriter().push(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  const emit = (id: number, payload: ArrayLike<number>) => out.push(id, ...leb(payload.length)).append(payload);
  const ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
  const types = [...entries(tsec(1), skipFuncType), ...entries(gsec(1), skipFuncType)];
  const build: Record<number, () => ArrayLike<number> | undefined> = {
    1: () => vec(types),
    2: () => vec([...kept.map((i) => i.raw), ...raw.map((i) => importWithType(i, nTypesT))]),
    3: () =>
      vec([
        ...entries(tsec(3), (r) => r.u32()),
        ...entries(gsec(3), (r) => r.u32()).map((e) => leb(nTypesT + new Reader(e).u32())),
        ...(entry ? [leb(entryType())] : []),
      ]),
    6: () =>
      vec([
        ...entries(tsec(6), skipGlobal),
        [0x7f, 0x00, 0x41, ...slebNonNegative(stack.floor), 0x0b],
        ...entries(gsec(6), skipGlobal).map((e) => {
          const r = new Reader(e);
          const o = [r.byte(), r.byte()];
          constExpr(r, gMaps, o);
          return o;
        }),
      ]),
    7: () =>
      vec(
        targetExports.map((e) => {
          const idx = e.kind !== 0 ? e.index : e === startExport ? (entry ? entryIndex : templateFunc(crStart.index)) : tMaps.func(e.index);
          if (e.kind === 0 && idx >= rawLo && idx < rawHi) throw new EngineError("INTERNAL", `${label}: guard proof failed: export ${e.name} is a raw import`);
          return [...leb(new TextEncoder().encode(e.name).length), ...new TextEncoder().encode(e.name), e.kind, ...leb(idx)];
        }),
      ),
    8: () => undefined, // folded into the entry point (see startEntry)
    9: () => (tsec(9) ? elements(tsec(9)!, tMaps, rawLo, rawHi, label) : undefined),
    10: () => {
      const code = [
        ...bodies(tsec(10)).map((b) => rewriteBody(b, tMaps, proof("guest code"))),
        ...gBodies.map((b, k) => (live.has(gFuncImports.length + k) ? rewriteBody(b, gMaps) : DEAD_BODY)),
        ...(entry ? [entry] : []),
      ];
      const w = new ByteWriter().push(...leb(code.length));
      for (const b of code) w.push(...leb(b.length)).append(b);
      return w.bytes();
    },
  };
  for (const id of ORDER) {
    const made = build[id]?.();
    if (made) emit(id, made);
    else if (!build[id] && tsec(id)) emit(id, tsec(id)!);
  }
  // Custom sections go last; the name section would name shifted indices wrongly.
  for (const s of T) if (s.id === 0 && !isNameSection(s.body)) emit(0, s.body);
  return { bytes: out.bytes(), guarded: [...guarded].sort() };
}

/** The body of `() => { start(); guardedStart(); }`: no locals, two calls. */
function startEntry(start: number, guardedStart: number, check: (callee: number) => void): Uint8Array {
  check(start);
  return new Uint8Array([0x00, 0x10, ...leb(start), 0x10, ...leb(guardedStart), 0x0b]);
}

/** The function bodies of a code section (without their size prefixes). */
function bodies(code: Uint8Array | undefined): Uint8Array[] {
  return entries(code, (r) => r.skip(r.u32())).map((e) => {
    const r = new Reader(e);
    const size = r.u32();
    return e.subarray(r.i, r.i + size);
  });
}

/** A body for template code the guest cannot reach: no locals, `unreachable`. */
const DEAD_BODY = new Uint8Array([0x00, 0x00, 0x0b]);

/** Template functions reachable from `roots` through calls and ref.func. */
function reachable(roots: number[], importCount: number, code: Uint8Array[]): Set<number> {
  const seen = new Set<number>();
  const todo = [...roots];
  const refer: IndexMaps = { func: (i) => (todo.push(i), i), global: (i) => i, type: (i) => i };
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    if (f >= importCount) rewriteBody(code[f - importCount], refer);
  }
  return seen;
}

function importWithType(i: Import, typeOffset: number): number[] {
  const enc = new TextEncoder();
  const m = enc.encode(i.module);
  const n = enc.encode(i.name);
  return [...leb(m.length), ...m, ...leb(n.length), ...n, 0, ...leb(typeOffset + i.typeIndex!)];
}

function skipFuncType(r: Reader) {
  if (r.byte() !== 0x60) throw new Error("only function types are supported");
  r.skip(r.u32());
  r.skip(r.u32());
}

function skipGlobal(r: Reader) {
  r.byte();
  r.byte();
  const sink: number[] = [];
  constExpr(r, { func: (i) => i, global: (i) => i, type: (i) => i }, sink);
}

function isNameSection(body: Uint8Array): boolean {
  const r = new Reader(body);
  return name(r) === "name";
}

function elements(body: Uint8Array, maps: IndexMaps, rawLo: number, rawHi: number, label: string): number[] {
  const r = new Reader(body);
  const n = r.u32();
  const out = leb(n);
  const func = (i: number) => {
    const m = maps.func(i);
    if (m >= rawLo && m < rawHi) throw new EngineError("INTERNAL", `${label}: guard proof failed: a table holds a raw import`);
    return m;
  };
  const fmaps: IndexMaps = { ...maps, func };
  for (let k = 0; k < n; k++) {
    // flags: bit 0 passive/declarative, bit 1 explicit table (or declarative), bit 2 exprs
    const flags = r.u32();
    out.push(...leb(flags));
    if (flags === 2 || flags === 6) out.push(...leb(r.u32()));
    if (!(flags & 1)) constExpr(r, fmaps, out);
    if (flags & 3) out.push(r.byte()); // elemkind or reftype
    const count = r.u32();
    out.push(...leb(count));
    for (let e = 0; e < count; e++) {
      if (flags & 4) constExpr(r, fmaps, out);
      else out.push(...leb(func(r.u32())));
    }
  }
  return out;
}

/** Initial pages of the module's one memory (admission checked there is exactly one). */
function definedMemoryPages(body: Uint8Array | undefined): number {
  if (!body) return 0;
  const r = new Reader(body);
  if (r.u32() < 1) return 0;
  r.byte();
  return r.u32();
}
