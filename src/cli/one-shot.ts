// What `coreason-engine run` and `sh` share: run once, render as sandbox-exec does, and
// end the process with the verdict (a guest that overran may still spin in a thread of
// this process; exiting is how the runner stops it).
import { Flags } from "@oclif/core";
import { runOnce, type HostCopy, type RunOnceOptions } from "../engine/runner/run-once.js";
import type { EngineCommand } from "./engine-command.js";
import { copyFlag, envFlag, envRecord, type EnvPair } from "./env-flag.js";
import { ExecOutput } from "./render/exec-output.js";

export const oneShotFlags = {
  copy: copyFlag(),
  env: envFlag(),
  "memory-pages": Flags.integer({ description: "cap on guest linear memory, in 64 KiB pages", min: 1, max: 65536 }),
  policy: Flags.string({ description: "policy file (default: OpenShell's)" }),
  "timeout-ms": Flags.integer({ description: "timeout of the run", min: 1, max: 86400000 }),
  workdir: Flags.string({ char: "w", description: "absolute guest directory the guest starts in (granted by the policy; after --copy)" }),
};

export interface OneShotFlags {
  copy?: HostCopy[];
  env?: EnvPair[];
  "memory-pages"?: number;
  policy?: string;
  "timeout-ms"?: number;
  workdir?: string;
}

export async function runOneShot(
  cmd: EngineCommand,
  flags: OneShotFlags,
  what: Pick<RunOnceOptions, "wasmFile" | "script" | "args">,
  json: boolean,
): Promise<never> {
  const output = new ExecOutput(process.stdout, process.stderr, "coreason-engine");
  const result = await runOnce({
    ...what,
    policyFile: flags.policy,
    memoryPages: flags["memory-pages"],
    timeoutMs: flags["timeout-ms"],
    env: envRecord(flags.env),
    copies: flags.copy ?? [],
    copyLabel: "--copy",
    workdir: flags.workdir,
    onOutput: json ? undefined : (stream, data) => output.guest(stream, data),
  });
  if (json) cmd.logJson(result);
  else output.verdict(result);
  process.exit(result.exitCode);
}
