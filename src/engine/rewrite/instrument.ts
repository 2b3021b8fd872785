// Instrumentation: admitted bytes in, guarded bytes out (the memory cap is applied
// separately, see admission/module-cache.ts). The guard is a template module generated
// once per guard configuration (guard-template.ts, binaryen) and spliced into the
// guest's binary (splice.ts), which keeps a first start of a large module fast.
import { admitModule, AdmissionReport } from "../admission/admit.js";
import type { GuardConfig } from "./guard-ir.js";
import { GUARDED_FUNCTIONS } from "./wasi-preview1.js";
import { SpliceHooks, spliceGuard } from "./splice.js";

export interface InstrumentResult {
  bytes: Uint8Array;
  admission: AdmissionReport;
  guarded: string[];
}

/** Test hooks (no user-facing path sets them): see SpliceHooks. */
export type InstrumentHooks = SpliceHooks;

export function instrumentModule(bytes: Uint8Array, label: string, guard: GuardConfig, template?: Uint8Array, hooks: InstrumentHooks = {}): InstrumentResult {
  const admission = admitModule(bytes, label, 65536);
  const guardable = new Set(GUARDED_FUNCTIONS.filter((n) => guard.networkDisabled || !n.startsWith("sock_")));
  const guarded = [...new Set(admission.wasiImports.filter((n) => guardable.has(n)))].sort();
  const tpl = template ?? templateFor(guard);
  return { bytes: spliceGuard(bytes, tpl, new Set(guarded), label, hooks), admission, guarded };
}

// One template per guard configuration per process (the module cache keeps them on disk).
const templates = new Map<string, Uint8Array>();
let build: ((g: GuardConfig) => Uint8Array) | undefined;

/** Registers the template builder (guard-template.ts loads binaryen, so it is optional). */
export function useTemplateBuilder(b: (g: GuardConfig) => Uint8Array): void {
  build = b;
}

export function templateFor(guard: GuardConfig): Uint8Array {
  const key = JSON.stringify(guard);
  let t = templates.get(key);
  if (!t) {
    if (!build) throw new Error("no guard template builder registered");
    t = build(guard);
    templates.set(key, t);
  }
  return t;
}
