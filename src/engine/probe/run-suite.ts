// The breach-probe suite (sandbox-probe). PLACEHOLDER SIGNATURE: the lead engineer is
// writing the implementation; keep the exported names and types stable.
import { EngineError } from "../errors.js";
import type { Policy } from "../policy/policy.js";

export interface ProbeOptions {
  enclave: string;
  memoryPages?: number;
  policy?: Policy;
  policyFile?: string;
  only?: string;
}

export interface ProbeReport {
  engineVersion: string;
  enclave: string;
  policyDigest: string;
  canaryDigest: string;
  results: { id: string; category: string; attempt: string; expected: string; observed: string; verdict: "held" | "breached" | "error" }[];
  totals: { held: number; breached: number; error: number; total: number };
  durationMs: number;
}

export async function runProbeSuite(_opts: ProbeOptions): Promise<ProbeReport> {
  throw new EngineError("INTERNAL", "probe suite is not available yet");
}
