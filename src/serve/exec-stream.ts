// Exec as NDJSON (Accept: application/x-ndjson): one event per line, output as it
// comes, and always a last `exit` event; a failure after output has started ends the
// stream with an `error` event instead, so a stream without `exit` is never a success.
// Headers are sent at the first event, so a failure before any output (unknown
// instance, bad module) is still a normal JSON error with its status.
import { PassThrough } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { FastifyReply } from "fastify";
import type { ExecResult } from "../engine/client/exec.js";
import { runExec, ExecRequestBody } from "./exec-request.js";
import { errorBody, toHttpError } from "./http-error.js";
import { shutdownOr } from "./inflight.js";

export const NDJSON = "application/x-ndjson";

export async function streamExec(name: string, body: ExecRequestBody, reply: FastifyReply, signal?: AbortSignal): Promise<FastifyReply> {
  const out = new PassThrough();
  let started = false;
  const emit = (event: object) => {
    if (!started) {
      started = true;
      reply.code(200).header("content-type", NDJSON).header("cache-control", "no-store").send(out);
    }
    out.write(JSON.stringify(event) + "\n");
  };
  // Chunks may split a UTF-8 character: decode per stream, carrying the remainder.
  const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  let result: ExecResult;
  try {
    result = await runExec(
      name,
      body,
      (stream, data) => {
        const text = decoders[stream].write(data);
        if (text) emit({ type: stream, data: text });
      },
      signal,
    );
  } catch (e) {
    // cut off by a shutdown: its 503 before any output, an error event after
    if (!started) throw shutdownOr(signal, e);
    emit({ type: "error", ...errorBody(toHttpError(shutdownOr(signal, e))) });
    out.end();
    return reply;
  }
  for (const stream of ["stdout", "stderr"] as const) {
    const rest = decoders[stream].end();
    if (rest) emit({ type: stream, data: rest });
  }
  const { stdout: _o, stderr: _e, ...outcome } = result;
  emit({ type: "exit", ...outcome });
  out.end();
  return reply;
}
