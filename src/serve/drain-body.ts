// Errors such as 401 and 413 are decided before the body is read. Answering at once
// would let Node close the socket under a client still writing, and most clients then
// report EPIPE instead of the answer. So the rest of the body is read and discarded
// (never stored), up to a cap in bytes and time; past the cap the socket just closes.
import type { IncomingMessage } from "node:http";

export const DRAIN_MAX_BYTES = 256 * 1024 * 1024;
export const DRAIN_MAX_MS = 15000;

export function discardBody(req: IncomingMessage, maxBytes = DRAIN_MAX_BYTES, maxMs = DRAIN_MAX_MS): Promise<void> {
  // readableEnded: the body was read (parsed); light-my-request never sets `complete`
  if (req.complete || req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", done);
      req.off("error", done);
      req.off("close", done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, maxMs);
    req.on("data", onData);
    req.on("end", done);
    req.on("error", done);
    req.on("close", done);
    req.resume();
  });
}
