// launch.json: everything the host needs to boot an instance, resolved by the CLI
// (definition, policy, limits, instrumented module) so the host never re-decides policy.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EngineError } from "../errors.js";
import type { Policy } from "../policy/policy.js";
import type { GuardConfig } from "../policy/guard-config.js";
import { schemaErrors } from "../schema/validator.js";
import { writeFileAtomic } from "../state/atomic-file.js";

export interface LaunchConfig {
  version: 1;
  name: string;
  definition: string;
  modulePath: string;
  moduleDigest: string;
  commands: string[];
  shell: string;
  workdir: string;
  env: Record<string, string>;
  files: Record<string, string>;
  memoryPages: number;
  timeoutMs: number;
  outputBytes: number;
  onViolation: "deny" | "trap";
  policyDigest: string;
  /** The effective policy (what policyDigest is the digest of). */
  policy?: Policy;
  /** The definition's guest module file as started, and how messages name it. */
  guest?: { file: string; label: string };
  /** Guard configuration, so --wasm modules are instrumented with the same policy. */
  guard: GuardConfig;
  socket: string;
  token: string;
  /** Set only by the probe suite's self-test through the engine API. */
  unguarded?: boolean;
}

export const launchPath = (dir: string) => join(dir, "launch.json");

export function writeLaunchConfig(dir: string, cfg: LaunchConfig): void {
  writeFileAtomic(launchPath(dir), JSON.stringify(cfg, null, 2) + "\n");
}

export function readLaunchConfig(dir: string): LaunchConfig {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(launchPath(dir), "utf8"));
  } catch (e) {
    throw new EngineError("STATE_CORRUPT", `state file ${launchPath(dir)} is unreadable or not JSON: ${(e as Error).message}`);
  }
  const problems = schemaErrors("launch.schema.json", data);
  if (problems.length) throw new EngineError("STATE_CORRUPT", `state file ${launchPath(dir)} is corrupt (${problems[0]})`);
  return data as LaunchConfig;
}
