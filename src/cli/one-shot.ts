// What `coreason-engine run` and `sh` share: run once, render as sandbox-exec does, and
// end the process with the verdict (a guest that overran may still spin in a thread of
// this process; exiting is how the runner stops it).
import { Flags } from "@oclif/core";
import { runOnce, type HostCopy, type RunOnceOptions } from "../engine/runner/run-once.js";
import { EngineCommand, usageError } from "./engine-command.js";
import { parseEnvPairs } from "./env-flag.js";
import { ExecOutput } from "./render/exec-output.js";

export const oneShotFlags = {
  copy: Flags.string({ description: "HOST:GUEST, put a host file or directory into the enclave first (repeatable; GUEST under /workspace or /tmp)", multiple: true }),
  env: Flags.string({ char: "e", description: "KEY=VALUE for the guest's environment (repeatable)", multiple: true }),
  "memory-pages": Flags.integer({ description: "cap on guest linear memory, in 64 KiB pages", min: 1, max: 65536 }),
  policy: Flags.string({ description: "policy file (default: OpenShell's)" }),
  "timeout-ms": Flags.integer({ description: "timeout of the run", min: 1, max: 86400000 }),
  workdir: Flags.string({ char: "w", description: "absolute guest directory the guest starts in (granted by the policy; after --copy)" }),
};

export interface OneShotFlags {
  copy?: string[];
  env?: string[];
  "memory-pages"?: number;
  policy?: string;
  "timeout-ms"?: number;
  workdir?: string;
}

export async function runOneShot(cmd: EngineCommand, flags: OneShotFlags, what: Pick<RunOnceOptions, "wasmFile" | "script" | "args">, json: boolean): Promise<never> {
  const output = new ExecOutput(process.stdout, process.stderr, "coreason-engine");
  const result = await runOnce({
    ...what,
    policyFile: flags.policy,
    memoryPages: flags["memory-pages"],
    timeoutMs: flags["timeout-ms"],
    env: parseEnvPairs(flags.env ?? []),
    copies: (flags.copy ?? []).map(parseCopy),
    workdir: flags.workdir,
    onOutput: json ? undefined : (stream, data) => output.guest(stream, data),
  });
  if (json) cmd.logJson(result);
  else output.verdict(result);
  process.exit(result.exitCode);
}

function parseCopy(spec: string): HostCopy {
  const at = spec.lastIndexOf(":");
  if (at <= 0 || !spec.slice(at + 1).startsWith("/")) throw usageError(`--copy ${JSON.stringify(spec)}: expected HOST:GUEST with GUEST an absolute path`);
  return { host: spec.slice(0, at), guest: spec.slice(at + 1).replace(/\/+$/, "") || "/" };
}
