// The one-shot runner behind `coreason-engine`: admit and guard one module (or an
// OpenShell script) with a policy, run it once in a throwaway sandbox inside this
// process, and return the same result document as sandbox-exec. No instance, no host
// process, nothing in the state directory but the shared module cache. A guest that
// overruns cannot be stopped inside the process (the SDK keeps its thread spinning),
// so the caller must end the process once it has the result (the CLI does).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { prepareModule } from "../admission/module-cache.js";
import { resolveDefinition } from "../client/instances.js";
import { execResult, readWasmFile, type ExecResult } from "../client/exec.js";
import { definitionCommands, definitionModule } from "../enclave/definitions.js";
import { EngineError } from "../errors.js";
import { EnclaveSandbox, type SandboxConfig } from "../host/enclave-sandbox.js";
import { ViolationTally } from "../host/violation-summary.js";
import type { WorkerOutcome } from "../host/worker-messages.js";
import { foreignGuardConfig, guardConfig } from "../policy/policy.js";
import { checkWorkdirGranted, normaliseWorkdir } from "../policy/workdir.js";
import { moduleCacheDir } from "../state/state-dir.js";

/** Past the timeout, how long the SDK gets to answer before the runner answers itself. */
const BACKSTOP_MS = 250;
/** How long the sandbox gets to hand over the violations of an overrun guest. */
const DRAIN_DEADLINE_MS = 300;

export interface HostCopy {
  host: string;
  guest: string;
}

export interface RunOnceOptions {
  /** A WASI command module to run, or ... */
  wasmFile?: string;
  /** ... a script for OpenShell's shell. */
  script?: string;
  args?: string[];
  policyFile?: string;
  memoryPages?: number;
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Host files or directories put into the enclave before the run. */
  copies?: HostCopy[];
  /** Names the copies' input in messages ("copy"; the CLI: "--copy"). */
  copyLabel?: string;
  /** Absolute guest directory the guest starts in (--workdir); checked as sandbox-exec -w. */
  workdir?: string;
  onOutput?: (stream: "stdout" | "stderr", data: Buffer) => void;
}

export async function runOnce(opts: RunOnceOptions): Promise<ExecResult> {
  const { def, policy, memoryPages, timeoutMs, outputBytes } = resolveDefinition({
    enclave: "OpenShell",
    policyFile: opts.policyFile,
    memoryPages: opts.memoryPages,
    timeoutMs: opts.timeoutMs,
  });
  const guard = guardConfig(policy, def.workdir);
  const workdir = opts.workdir === undefined ? undefined : normaliseWorkdir(opts.workdir);
  if (workdir) checkWorkdirGranted(workdir, guard);
  const foreign = opts.wasmFile !== undefined;
  const bytes = foreign ? readWasmFile(opts.wasmFile!) : definitionModule(def);
  const label = foreign ? opts.wasmFile! : `enclave ${def.name} module ${def.module}`;
  // a foreign module started elsewhere has its relative paths start there (see sandbox-exec -w)
  const mod = await prepareModule(bytes, label, foreign && workdir ? foreignGuardConfig(guard, workdir) : guard, memoryPages, moduleCacheDir());
  // A foreign module is the package's only command, named after its file (its argv[0]).
  const command = foreign ? basename(opts.wasmFile!).replace(/\.wasm$/, "") || "main" : def.shell;
  const config: SandboxConfig = {
    modulePath: mod.path,
    shell: command,
    commands: foreign ? [command] : definitionCommands(def),
    files: def.files,
    env: def.env,
    guard,
    workdir: def.workdir,
    memoryPages,
    outputBytes,
  };
  const box = await EnclaveSandbox.boot(config, undefined, false);
  for (const c of opts.copies ?? []) await copyIn(box, c, guard.mounts ?? [], opts.copyLabel ?? "copy");
  const missing = workdir && (await box.missingWorkdir(workdir));
  if (missing) throw new EngineError("WORKDIR_MISSING", missing);
  const tally = new ViolationTally();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const events = {
    output: (stream: "stdout" | "stderr", data: Buffer) => ((stream === "stdout" ? stdout : stderr).push(data), opts.onOutput?.(stream, data)),
    violations: (records: Parameters<ViolationTally["add"]>[0]) => tally.add(records),
  };
  const execArgs = { env: opts.env ?? {}, timeoutMs, interactive: false, ...(workdir ? { workdir } : {}) };
  const run = box.execGuest(1, foreign ? (opts.args ?? []) : ["-c", opts.script ?? ""], execArgs, events);
  let backstop: NodeJS.Timeout | undefined;
  const overrun = new Promise<WorkerOutcome>((resolve) => {
    backstop = setTimeout(async () => {
      await Promise.race([box.drain(1), new Promise((r) => setTimeout(r, DRAIN_DEADLINE_MS))]);
      resolve({ guestExitCode: null, reason: "timeout", durationMs: timeoutMs + BACKSTOP_MS, truncated: false });
    }, timeoutMs + BACKSTOP_MS);
  });
  const outcome = await Promise.race([run, overrun]).finally(() => clearTimeout(backstop));
  const { violations, dropped } = tally.summary();
  const { memoryExceeded: _m, workerBroken: _w, ...visible } = outcome;
  const body = {
    ...visible,
    reason: visible.reason === "exited" && violations.length ? ("denied" as const) : visible.reason,
    violations,
    ...(dropped ? { violationsDropped: dropped } : {}),
  };
  return execResult(def.name, body, stdout, stderr);
}

/** Copies a host file or directory tree to a guest path inside a mount (the only
 *  places the sandbox stores files); symlinks are followed, as `cp -rL` does. */
async function copyIn(box: EnclaveSandbox, copy: HostCopy, mounts: { guest: string; backing: string }[], input: string): Promise<void> {
  const mount = mounts.find((m) => copy.guest === m.guest || copy.guest.startsWith(m.guest + "/"));
  if (!mount || copy.guest.split("/").includes(".."))
    throw new EngineError("USAGE", `${input} ${copy.host}:${copy.guest}: the guest path must lie in ${mounts.map((m) => m.guest).join(" or ")}`);
  const target = mount.backing + copy.guest.slice(mount.guest.length);
  const walk = async (host: string, guestPath: string) => {
    let st;
    try {
      st = statSync(host);
    } catch (e) {
      throw new EngineError(
        "USAGE",
        `${input} ${host}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`,
      );
    }
    if (st.isDirectory()) {
      await box.mkdir(guestPath);
      for (const name of readdirSync(host)) await walk(join(host, name), `${guestPath}/${name}`);
    } else if (st.isFile()) {
      await box.mkdir(dirname(guestPath));
      await box.writeFile(guestPath, readFileSync(host));
    }
  };
  await walk(copy.host, target);
}
