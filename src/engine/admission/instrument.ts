// Instrumentation: admitted bytes in, guarded bytes out (the memory cap is applied
// separately, see admission/module-cache.ts). The guard is a template module generated
// once per guard configuration (guard/template.ts, binaryen) and spliced into the
// guest's binary (rewrite/splice.ts), which keeps a first start of a large module fast.
import { admitModule, AdmissionReport } from "./admit.js";
import type { GuardConfig } from "../policy/guard-config.js";
import { SpliceHooks, spliceGuard } from "../rewrite/splice.js";

export interface InstrumentResult {
  bytes: Uint8Array;
  admission: AdmissionReport;
  guarded: string[];
}

/** Test hooks (no user-facing path sets them): see SpliceHooks. */
export type InstrumentHooks = SpliceHooks;

export function instrumentModule(bytes: Uint8Array, label: string, guard: GuardConfig, template: Uint8Array, hooks: InstrumentHooks = {}): InstrumentResult {
  const admission = admitModule(bytes, label, 65536);
  return { ...spliceGuard(bytes, template, label, guard.network, hooks), admission };
}
