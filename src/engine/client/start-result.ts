// The document a start returns: `sandbox-start --json`, `POST /v1/enclaves` and the
// library's startInstance() build it here, once (schemas/output/sys-diagnostics-sandbox-start.json).
import type { InstanceRecord } from "../state/instance-record.js";
import type { StartPlan } from "./instances.js";

export interface StartResult {
  enclave: string;
  definition: string;
  pid: number;
  memoryPages: number;
  timeoutMs: number;
  startedAt: string;
  policyDigest: string;
  moduleCached: boolean;
  recovered?: string;
}

export function startResult(record: InstanceRecord, plan: StartPlan): StartResult {
  return {
    enclave: record.name,
    definition: record.definition,
    pid: record.pid,
    memoryPages: record.memoryPages,
    timeoutMs: record.timeoutMs,
    startedAt: record.startedAt,
    policyDigest: record.policyDigest,
    moduleCached: !!plan.moduleCached,
    ...(plan.recovered ? { recovered: plan.recovered } : {}),
  };
}
