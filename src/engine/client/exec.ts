// sandbox-exec's engine side: send a script or a foreign module to a running instance,
// stream its output as it comes, and return the outcome.
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { EngineError } from "../errors.js";
import type { ExecRequestArgs, ExecResponseBody, Violation } from "../protocol/messages.js";
import { instanceDir, moduleCacheDir } from "../state/state-dir.js";
import { execExitCode } from "../verdict.js";
import { resolveArgv0 } from "./argv0.js";
import { connectInstance } from "./connect.js";
import { checkWorkdirGranted, normaliseWorkdir } from "../policy/workdir.js";
import { foreignGuardConfig } from "../policy/guard-config.js";

export interface ExecOptions {
  enclave: string;
  script?: string;
  wasmFile?: string;
  args?: string[];
  env?: Record<string, string>;
  /** The guest gets exactly `env` (no PATH, HOME, USER of the enclave's). */
  envClear?: boolean;
  /** argv[0] of a --wasm module (default: the base name of wasmName, else of wasmFile). */
  argv0?: string;
  /** The module's name for its default argv[0], when wasmFile is a temporary file. */
  wasmName?: string;
  timeoutMs?: number;
  /** Absolute guest directory the guest starts in (-w); default: the enclave's workdir. */
  workdir?: string;
  /** Host stdin to forward (docker exec -i); otherwise the guest's stdin is empty. */
  stdin?: NodeJS.ReadableStream;
  onOutput?: (stream: "stdout" | "stderr", data: Buffer) => void;
  /** Stop waiting (serve's shutdown): the connection closes, and the host stops the guest. */
  signal?: AbortSignal;
  /** This exec's output limit instead of the instance's (sandbox-cp's downloads). */
  outputBytes?: number;
  /** The --wasm module resolves paths exactly as the enclave's own guest (its guard,
   *  without the foreign modules' relative paths in the workdir): sandbox-cp's helper. */
  guestPaths?: boolean;
  /** How messages name the inputs: each adapter spells its own (the CLI its flags,
   *  serve its body fields); the engine's defaults name no interface. */
  labels?: InputLabels;
  /** Ask the host to stop the guest and still wait for the exec's result, violations
   *  included (the interactive shell's Ctrl-C). */
  interrupt?: AbortSignal;
}

export interface ExecResult {
  enclave: string;
  exitCode: number;
  guestExitCode: number | null;
  reason: ExecResponseBody["reason"];
  stdout: string;
  stderr: string;
  durationMs: number;
  violations: Violation[];
  violationsDropped?: number;
  truncated: boolean;
  message?: string;
  notice?: string;
}

export interface InputLabels {
  /** Names the module file's input, before the path ("module"; the CLI: "--wasm"). */
  file?: string;
  /** Names the module in admission messages (default: its path). */
  module?: string;
  /** Names the argv[0] input ("argv0"; the CLI: "--argv0"). */
  argv0?: string;
}

export function readWasmFile(file: string, input = "module"): Uint8Array {
  try {
    if (statSync(file).isDirectory()) throw new EngineError("MODULE_UNREADABLE", `${input} ${file}: is a directory, not a module file`);
    return readFileSync(file);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new EngineError("MODULE_NOT_FOUND", `${input} ${file}: no such file`);
    throw new EngineError("MODULE_UNREADABLE", `${input} ${file}: cannot read (${code})`);
  }
}

/** A --wasm module admitted and guarded with the instance's own policy and cap.
 *  Loaded lazily: a plain script needs none of this. */
async function prepareForeignModule(
  enclave: string,
  file: string,
  args: string[],
  argv0: { explicit?: string; fileName?: string },
  labels: InputLabels,
  workdir?: string,
  guestPaths = false,
): Promise<ExecRequestArgs["wasm"]> {
  const bytes = readWasmFile(file, labels.file);
  const { readLaunchConfig } = await import("../host/launch-config.js");
  const { prepareModule } = await import("../admission/module-cache.js");
  const launch = readLaunchConfig(instanceDir(enclave));
  if (workdir) checkWorkdirGranted(workdir, launch.guard);
  const name = resolveArgv0(argv0.explicit, argv0.fileName ?? file, launch.commands, labels.argv0);
  // held in the instance's directory until its host has answered: the module cache
  // may evict its entry meanwhile (a link left by a killed client goes with the instance)
  const guard = guestPaths ? launch.guard : foreignGuardConfig(launch.guard, workdir);
  const mod = await prepareModule(bytes, labels.module ?? file, guard, launch.memoryPages, moduleCacheDir(), {
    holdIn: join(instanceDir(enclave), "held"),
    unguardedForTests: launch.unguarded,
  });
  const { recordExecModule } = await import("./inspect.js");
  recordExecModule(enclave, file, bytes, mod.path, launch.guard.network);
  return { path: mod.path, digest: mod.digest, args, argv0: name };
}

export async function execInInstance(opts: ExecOptions): Promise<ExecResult> {
  // A malformed workdir is a usage error; then connect: a missing instance is "not
  // running", whatever else is wrong.
  const workdir = opts.workdir === undefined ? undefined : normaliseWorkdir(opts.workdir);
  const { conn, record } = await connectInstance(opts.enclave);
  let wasm: ExecRequestArgs["wasm"];
  try {
    if (opts.wasmFile)
      wasm = await prepareForeignModule(
        opts.enclave,
        opts.wasmFile,
        opts.args ?? [],
        { explicit: opts.argv0, fileName: opts.wasmName },
        opts.labels ?? {},
        workdir,
        opts.guestPaths,
      );
    else if (workdir) checkWorkdirGranted(workdir, (await import("../host/launch-config.js")).readLaunchConfig(instanceDir(opts.enclave)).guard);
  } catch (e) {
    conn.close();
    throw e;
  }
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const args: ExecRequestArgs = {
    script: opts.script,
    wasm,
    env: opts.env ?? {},
    ...(opts.envClear ? { envClear: true } : {}),
    timeoutMs: opts.timeoutMs ?? record.timeoutMs,
    interactive: !!opts.stdin,
    ...(workdir ? { workdir } : {}),
    ...(opts.outputBytes ? { outputBytes: opts.outputBytes } : {}),
  };
  const seq = conn.nextSeq;
  const pending = conn.request("exec", args, (e) => {
    const data = Buffer.from(e.body.data, "base64");
    (e.body.stream === "stdout" ? stdout : stderr).push(data);
    opts.onOutput?.(e.body.stream, data);
  });
  opts.interrupt?.addEventListener("abort", () => conn.notify("cancel", { request_seq: seq }), { once: true });
  if (opts.stdin)
    forwardStdin(
      opts.stdin,
      (data) => conn.notify("stdin", { request_seq: seq, data: data.toString("base64") }),
      () => conn.notify("stdin", { request_seq: seq, eof: true }),
    );
  // the host is done with a held module once it has answered (a lost connection is not an answer)
  let hostAnswered = false;
  pending.then(
    () => (hostAnswered = true),
    (e) => (hostAnswered = (e as EngineError).code !== "HOST_UNREACHABLE"),
  );
  const aborted = opts.signal && new Promise<never>((_, reject) => opts.signal!.addEventListener("abort", () => reject(opts.signal!.reason), { once: true }));
  try {
    const body = (await (aborted ? Promise.race([pending, aborted]) : pending)).body as unknown as ExecResponseBody;
    return execResult(opts.enclave, body, stdout, stderr);
  } finally {
    if (wasm && hostAnswered) rmSync(wasm.path, { force: true });
    opts.stdin?.removeAllListeners("data");
    opts.stdin?.removeAllListeners("end");
    (opts.stdin as NodeJS.ReadStream | undefined)?.pause?.();
    conn.close();
  }
}

function forwardStdin(stream: NodeJS.ReadableStream, data: (b: Buffer) => void, end: () => void) {
  stream.on("data", (chunk: Buffer | string) => {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    for (let i = 0; i < b.length; i += 65536) data(b.subarray(i, i + 65536));
  });
  stream.on("end", end);
  stream.on("error", end);
}

/** The `sandbox-exec --json` document of an exec's response and its collected output. */
export function execResult(enclave: string, body: ExecResponseBody, stdout: Buffer[], stderr: Buffer[]): ExecResult {
  return {
    enclave,
    exitCode: execExitCode(body),
    guestExitCode: body.guestExitCode,
    reason: body.reason,
    stdout: Buffer.concat(stdout).toString("utf8"),
    stderr: Buffer.concat(stderr).toString("utf8"),
    durationMs: body.durationMs,
    violations: body.violations,
    ...(body.violationsDropped ? { violationsDropped: body.violationsDropped } : {}),
    truncated: body.truncated,
    ...(body.message ? { message: body.message } : {}),
    ...(body.notice ? { notice: body.notice } : {}),
  };
}
