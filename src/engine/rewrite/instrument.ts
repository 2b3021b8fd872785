// Instrumentation: admitted bytes in, guarded and capped bytes out.
import binaryen from "binaryen";
import { admitModule, AdmissionReport } from "../admission/admit.js";
import { EngineError } from "../errors.js";
import { GUARD_HELPER_PREFIX, GUARD_RUNTIME_IMPORTS, GuardConfig, GuardEmitter, RAW_PREFIX } from "./guard-ir.js";
import { NO_RESULT, PREVIEW1_SIGNATURES, WASI_MODULE } from "./wasi-preview1.js";


export interface InstrumentResult {
  bytes: Uint8Array;
  admission: AdmissionReport;
  guarded: string[];
}

const typeOf = (letters: string) =>
  binaryen.createType(Array.from(letters, (c) => (c === "I" ? binaryen.i64 : binaryen.i32)));

/** Test hook: runs on the rewritten module just before the static proof, so tests can
 *  tamper with it and watch the proof fail. No user-facing path can set it. */
export interface InstrumentHooks {
  beforeProof?(m: binaryen.Module): void;
}

/** Admits and rewrites `bytes`; the memory cap is applied separately (capMemory). */
export function instrumentModule(bytes: Uint8Array, label: string, guard: GuardConfig, hooks: InstrumentHooks = {}): InstrumentResult {
  const admission = admitModule(bytes, label, 65536);
  const m = binaryen.readBinary(bytes);
  try {
    m.setFeatures(binaryen.Features.All);
    const stackPointer = findStackPointer(m, label);
    const imports = wasiImports(m, label);
    const emitter = new GuardEmitter(m, guard, stackPointer);
    const toGuard = imports.filter((i) => emitter.guards(i.base));
    for (const name of new Set([...toGuard.map((i) => i.base), ...GUARD_RUNTIME_IMPORTS])) {
      const sig = PREVIEW1_SIGNATURES[name];
      m.addFunctionImport(RAW_PREFIX + name, WASI_MODULE, name, typeOf(sig), NO_RESULT.has(name) ? binaryen.none : binaryen.i32);
    }
    emitter.emitRuntime();
    wrapStartExport(m, emitter);
    // Unguarded imports (fd_write, clock_time_get, ...) stay as they are.
    for (const imp of toGuard) {
      const params = Array.from(PREVIEW1_SIGNATURES[imp.base], (c) => (c === "I" ? binaryen.i64 : binaryen.i32));
      m.removeFunction(imp.name);
      emitter.emitGuard(imp.base, imp.name, params);
    }
    hooks.beforeProof?.(m);
    if (!m.validate()) throw new EngineError("INTERNAL", `${label}: instrumented module failed validation`);
    proveOnlyGuardsReachRawImports(m, label, new Set(toGuard.map((i) => i.name)), new Set(toGuard.map((i) => i.base)));
    return { bytes: m.emitBinary(), admission, guarded: [...new Set(toGuard.map((i) => i.base))].sort() };
  } finally {
    m.dispose();
  }
}

function wrapStartExport(m: binaryen.Module, emitter: GuardEmitter) {
  for (let k = 0; k < m.getNumExports(); k++) {
    const e = binaryen.getExportInfo(m.getExportByIndex(k));
    if (e.name !== "_start" || e.kind !== binaryen.ExternalFunction) continue;
    const wrapper = emitter.wrapStart(e.value);
    m.removeExport("_start");
    m.addFunctionExport(wrapper, "_start");
    return;
  }
}

interface WasiImport {
  name: string;
  base: string;
}

function wasiImports(m: binaryen.Module, label: string): WasiImport[] {
  const out: WasiImport[] = [];
  for (let k = 0; k < m.getNumFunctions(); k++) {
    const info = binaryen.getFunctionInfo(m.getFunctionByIndex(k));
    if (!info.module) continue;
    const sig = PREVIEW1_SIGNATURES[info.base!];
    const want = typeOf(sig);
    const wantResult = NO_RESULT.has(info.base!) ? binaryen.none : binaryen.i32;
    if (info.params !== want || info.results !== wantResult) {
      throw new EngineError("MODULE_REJECTED", `${label}: imports ${info.module}.${info.base} with the wrong signature`);
    }
    out.push({ name: info.name, base: info.base! });
  }
  return out;
}

/** The shadow-stack pointer (LLVM's __stack_pointer, else the first mutable i32 global);
 *  the guard carves its scratch memory below it. */
function findStackPointer(m: binaryen.Module, label: string): string {
  let candidate: string | undefined;
  for (let k = 0; k < m.getNumGlobals(); k++) {
    const g = binaryen.getGlobalInfo(m.getGlobalByIndex(k));
    if (g.module) continue;
    if (g.name === "__stack_pointer") return g.name;
    if (!candidate && g.mutable && g.type === binaryen.i32) candidate = g.name;
  }
  if (!candidate) throw new EngineError("MODULE_REJECTED", `${label}: no shadow-stack pointer global; the policy guard needs one (build with an LLVM toolchain)`);
  return candidate;
}

/** The static proof: after rewriting, raw imports are called only by guard code, are
 *  not exported, not in any table, and not the start function. */
export function proveOnlyGuardsReachRawImports(m: binaryen.Module, label: string, guardFns: Set<string>, guardedBases: Set<string>): void {
  const fail = (why: string) => {
    throw new EngineError("INTERNAL", `${label}: guard proof failed: ${why}`);
  };
  for (let k = 0; k < m.getNumFunctions(); k++) {
    const info = binaryen.getFunctionInfo(m.getFunctionByIndex(k));
    if (info.module === WASI_MODULE && guardedBases.has(info.base!) && info.name !== RAW_PREFIX + info.base) {
      fail(`${info.name} still imports ${info.base} without a guard`);
    }
  }
  for (const [caller, callee] of directCalls(m)) {
    const guardedRaw = callee.startsWith(RAW_PREFIX) && guardedBases.has(callee.slice(RAW_PREFIX.length));
    if (guardedRaw && !caller.startsWith(GUARD_HELPER_PREFIX) && !guardFns.has(caller)) fail(`${caller} calls ${callee} directly`);
  }
  for (let k = 0; k < m.getNumExports(); k++) {
    const e = binaryen.getExportInfo(m.getExportByIndex(k));
    if (e.value.startsWith(RAW_PREFIX)) fail(`export ${e.name} is a raw import`);
  }
  for (let k = 0; k < m.getNumElementSegments(); k++) {
    const seg = binaryen.getElementSegmentInfo(m.getElementSegmentByIndex(k));
    if (seg.data.some((n) => n.startsWith(RAW_PREFIX))) fail(`table segment ${seg.name} holds a raw import`);
  }
}

/** Direct call edges, from binaryen's own call-graph printer. */
function directCalls(m: binaryen.Module): [string, string][] {
  const chunks: string[] = [];
  const write = process.stdout.write;
  const log = console.log;
  process.stdout.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stdout.write;
  console.log = (...a: unknown[]) => void chunks.push(a.join(" ") + "\n");
  try {
    m.runPasses(["print-call-graph"]);
  } finally {
    process.stdout.write = write;
    console.log = log;
  }
  const edges: [string, string][] = [];
  for (const line of chunks.join("").split("\n")) {
    const e = /^\s*"([^"]+)" -> "([^"]+)"; \/\/ call/.exec(line);
    if (e) edges.push([e[1], e[2]]);
  }
  if (edges.length === 0) throw new EngineError("INTERNAL", "guard proof: binaryen printed no call graph");
  return edges;
}
