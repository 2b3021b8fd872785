// The host protocol: newline-delimited JSON frames on the instance's Unix socket.
// Envelope after the TypeScript server protocol: requests carry `seq`, responses
// `request_seq` + `success` (+ `message`/`code` when false), events stream output.

export const PROTOCOL_VERSION = 1;
/** Largest frame either side accepts (output chunks are at most 64 KiB before base64). */
export const MAX_FRAME_BYTES = 1 << 20;

export const CommandTypes = {
  Hello: "hello",
  Exec: "exec",
  Stdin: "stdin",
  Cancel: "cancel",
  Status: "status",
  Stop: "stop",
} as const;
export type CommandType = (typeof CommandTypes)[keyof typeof CommandTypes];

export interface Request<A = Record<string, unknown>> {
  v: 1;
  seq: number;
  type: "request";
  command: CommandType;
  arguments: A;
}

export interface Response<B = Record<string, unknown>> {
  v: 1;
  seq: number;
  type: "response";
  request_seq: number;
  success: boolean;
  command: string;
  message?: string;
  code?: string;
  body?: B;
}

export interface OutputEvent {
  v: 1;
  seq: number;
  type: "event";
  event: "output";
  body: { request_seq: number; stream: "stdout" | "stderr"; data: string };
}

export type Frame = Request | Response | OutputEvent;

export interface HelloRequestArgs {
  protocol: number;
}
export interface HelloResponseBody {
  name: string;
  pid: number;
  token: string;
  engineVersion: string;
  protocol: number;
}

export interface ExecRequestArgs {
  /** Script for the enclave's shell (`sh -c SCRIPT`), or ... */
  script?: string;
  /** ... an instrumented foreign module (path in the module cache) and its argv. */
  wasm?: { path: string; digest: string; args: string[]; /** @since 0.2 argv[0] (default "main") */ argv0?: string };
  env: Record<string, string>;
  /** @since 0.2 The guest gets exactly `env`, without the enclave's own variables. */
  envClear?: boolean;
  timeoutMs: number;
  interactive: boolean;
  /** @since 0.3 Absolute guest directory the guest starts in (checked by the client
   *  against the policy; the host answers WORKDIR_MISSING when it is no directory). */
  workdir?: string;
  /** @since 0.2 This exec's output limit instead of the instance's `output_bytes`
   *  (sandbox-cp's download, whose stream is bounded by the copy limits instead). */
  outputBytes?: number;
}

/** How an exec ended: `denied` = ran to the end with violations; `killed` = stopped by
 *  the engine (output or memory limit, cancelled, the instance stopped); `failed` = the
 *  engine failed under it (its worker died). */
export type ExecReason = "exited" | "timeout" | "killed" | "denied" | "trapped" | "failed";

export interface Violation {
  operation: string;
  path: string;
  rule: string;
  decision: "denied" | "trapped";
  /** How many times this exact violation happened in the exec, when more than once. */
  count?: number;
}

export interface ExecResponseBody {
  guestExitCode: number | null;
  reason: ExecReason;
  durationMs: number;
  violations: Violation[];
  truncated: boolean;
  /** Violations of further kinds beyond those listed (see violation-summary.ts). */
  violationsDropped?: number;
  message?: string;
  /** What happened to the instance since the previous exec (a restart that lost
   *  /workspace), told once. */
  notice?: string;
}

export interface StdinRequestArgs {
  request_seq: number;
  data?: string;
  eof?: boolean;
}
