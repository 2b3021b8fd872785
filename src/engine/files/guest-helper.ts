// Runs the guest helper (guest/cp/main.c, built to dist/guest/coreason-cp.wasm) in a
// running instance. It is an exec of a foreign module like `sandbox-exec --wasm`:
// admitted and guarded with the instance's policy, so every file operation of a copy is
// decided by the same guard as a guest's own, and its violations are printed, counted
// and written to the instance's audit log as any exec's are. This file decides nothing
// about paths: it only runs the helper and reads its answer.
import { Readable } from "node:stream";
import { execInInstance, type ExecResult } from "../client/exec.js";
import { EngineError } from "../errors.js";
import { packagePath } from "../package-root.js";
import { escapeGuestText } from "../verdict.js";
import { copyTooLarge, TarLimits } from "./tar.js";

const HELPER = packagePath("dist", "guest", "coreason-cp.wasm");
const ARGV0 = "coreason-cp";
/** The helper's own statuses (see guest/cp/main.c). */
const STATUS = { ok: 0, failed: 1, malformed: 2, tooLarge: 3 } as const;

export interface HelperRun {
  /** the helper's stdout, bytes as written */
  stdout: Buffer;
  exec: ExecResult;
}

/** An exec that the policy decided against: the copy stops and reports it (exit 77). */
export class CopyDenied extends Error {
  constructor(readonly exec: ExecResult) {
    super("denied by the enclave's policy");
  }
}

export async function runHelper(
  enclave: string,
  args: string[],
  opts: { stdin?: Buffer; outputBytes?: number; limits: TarLimits; signal?: AbortSignal },
): Promise<HelperRun> {
  const out: Buffer[] = [];
  const exec = await execInInstance({
    enclave,
    wasmFile: HELPER,
    argv0: ARGV0,
    args,
    envClear: true,
    guestPaths: true,
    stdin: opts.stdin ? Readable.from([opts.stdin]) : undefined,
    outputBytes: opts.outputBytes,
    signal: opts.signal,
    onOutput: (stream, data) => void (stream === "stdout" && out.push(data)),
  });
  if (exec.violations.length) throw new CopyDenied(exec);
  if (exec.reason !== "exited")
    throw new EngineError(
      exec.reason === "timeout" ? "COPY_TIMEOUT" : "COPY_STOPPED",
      `the copy in ${enclave} ${exec.message ? `stopped: ${escapeGuestText(exec.message)}` : `ended: ${exec.reason}`}`,
    );
  if (exec.guestExitCode === STATUS.tooLarge) throw copyTooLarge(opts.limits);
  if (exec.guestExitCode === STATUS.failed) throw new EngineError("COPY_FAILED", helperMessage(exec.stderr));
  if (exec.guestExitCode !== STATUS.ok)
    throw new EngineError("COPY_STOPPED", `the copy's guest helper failed (status ${exec.guestExitCode}): ${helperMessage(exec.stderr)}`);
  return { stdout: Buffer.concat(out), exec };
}

/** The helper's "coreason-cp: PATH: reason" line, escaped (paths are the guest's). */
function helperMessage(stderr: string): string {
  const line = stderr.split("\n").find((l) => l.trim()) ?? "unknown error";
  return escapeGuestText(line.replace(/^coreason-cp: /, "")).slice(0, 500);
}
