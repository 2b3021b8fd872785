// POST /v1/enclaves/{name}/exec: the request body becomes the engine's ExecOptions.
// `{wasm}` bytes go to a private temp file (the engine admits modules from files);
// `stdin` becomes a Readable, exactly what `sandbox-exec -i` passes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { DEFAULT_ARGV0 } from "../engine/client/argv0.js";
import { execInInstance, ExecOptions, ExecResult } from "../engine/client/exec.js";
import { instanceStatus, notRunning } from "../engine/client/instances.js";
import { EngineError } from "../engine/errors.js";

export interface ExecRequestBody {
  cmd?: string;
  wasm?: string;
  args?: string[];
  timeoutMs?: number;
  env?: Record<string, string>;
  envClear?: boolean;
  argv0?: string;
  stdin?: string;
  workdir?: string;
}

const WASM_LABEL = "body.wasm";

export async function runExec(name: string, body: ExecRequestBody, onOutput?: ExecOptions["onOutput"], signal?: AbortSignal): Promise<ExecResult> {
  const opts: ExecOptions = {
    enclave: name,
    script: body.cmd,
    args: body.args ?? [],
    env: body.env ?? {},
    envClear: body.envClear,
    argv0: body.argv0,
    // the module has no file name over HTTP: argv[0] is "main" unless argv0 is given
    wasmName: DEFAULT_ARGV0,
    timeoutMs: body.timeoutMs,
    workdir: body.workdir,
    stdin: body.stdin !== undefined ? Readable.from([Buffer.from(body.stdin, "utf8")]) : undefined,
    onOutput,
    signal,
  };
  if (body.wasm === undefined) return execInInstance(opts);
  // The engine reads the instance's launch file before connecting for a module, so
  // check first that there is an instance: a missing one is a 404, not corrupt state.
  const status = await instanceStatus(name);
  if (status.state === "absent") throw notRunning(name);
  if (status.state === "dead") throw new EngineError("HOST_DEAD", `enclave ${name} is not running: ${status.why}`);
  if (status.state === "unreachable") throw new EngineError("HOST_DEAD", `enclave ${name} cannot be reached: ${status.why}`);
  const dir = mkdtempSync(join(tmpdir(), "coreason-serve-"));
  const file = join(dir, WASM_LABEL);
  try {
    writeFileSync(file, Buffer.from(body.wasm, "base64"), { mode: 0o600 });
    // messages name the module as the client knows it: the body's field
    return await execInInstance({ ...opts, wasmFile: file, labels: { file: "wasm", module: WASM_LABEL, argv0: "argv0" } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
