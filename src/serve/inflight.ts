// Requests in flight, so that a shutdown past its drain limit answers each one itself
// instead of cutting its connection (a client would see a reset, not why). Each request
// gets an AbortSignal: an exec handed it stops waiting for its enclave and closes its
// host connection (the host then stops the guest); its handler answers with the abort's
// reason, a 503. A request whose handler does not answer soon after is answered here.
import type { FastifyReply, FastifyRequest } from "fastify";
import { errorBody, HttpError } from "./http-error.js";

/** How long a handler gets to answer an abort itself before the 503 is sent for it. */
const ANSWER_GRACE_MS = 300;

export class Inflight {
  private readonly requests = new Map<FastifyRequest, { reply: FastifyReply; abort: AbortController }>();

  add(req: FastifyRequest, reply: FastifyReply): void {
    this.requests.set(req, { reply, abort: new AbortController() });
  }

  delete(req: FastifyRequest): void {
    this.requests.delete(req);
  }

  signalOf(req: FastifyRequest): AbortSignal {
    return this.requests.get(req)?.abort.signal ?? AbortSignal.abort();
  }

  /** Aborts every request in flight with `reason`; resolves once each was answered
   *  (by its handler, or here). Returns how many there were. */
  async abortAll(reason: HttpError): Promise<number> {
    const all = [...this.requests.values()];
    for (const { abort } of all) abort.abort(reason);
    await new Promise((r) => setTimeout(r, ANSWER_GRACE_MS));
    for (const { reply } of all) {
      if (!reply.sent) reply.code(reason.status).headers(reason.headers).type("application/json").send(errorBody(reason));
    }
    return all.length;
  }
}

/** The abort's reason when `signal` was aborted (a shutdown), else `e` itself. */
export function shutdownOr(signal: AbortSignal | undefined, e: unknown): unknown {
  return signal?.aborted ? signal.reason : e;
}
