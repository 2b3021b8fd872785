// Line framing with a size cap, shared by host and client.
import type { Socket } from "node:net";
import { EngineError } from "../errors.js";
import { schemaErrors } from "../schema/validator.js";
import { Frame, MAX_FRAME_BYTES } from "./messages.js";

/** Calls onFrame for each validated frame; onError for an oversized or invalid one. */
export function readFrames(socket: Socket, onFrame: (f: Frame) => void, onError: (e: EngineError) => void): void {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.trim()) continue;
      const frame = parseFrame(line);
      if (frame instanceof EngineError) return onError(frame);
      onFrame(frame);
    }
    if (Buffer.byteLength(buffered) > MAX_FRAME_BYTES) {
      buffered = "";
      onError(new EngineError("PROTOCOL_ERROR", `protocol: frame larger than ${MAX_FRAME_BYTES} bytes`));
    }
  });
}

function parseFrame(line: string): Frame | EngineError {
  if (Buffer.byteLength(line) > MAX_FRAME_BYTES) return new EngineError("PROTOCOL_ERROR", `protocol: frame larger than ${MAX_FRAME_BYTES} bytes`);
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return new EngineError("PROTOCOL_ERROR", "protocol: frame is not JSON");
  }
  const problems = schemaErrors("protocol/v1/envelope.schema.json", data);
  if (problems.length) return new EngineError("PROTOCOL_ERROR", `protocol: invalid frame: ${problems[0]}`);
  return data as Frame;
}

export function writeFrame(socket: Socket, frame: Frame): boolean {
  if (socket.destroyed) return false;
  return socket.write(JSON.stringify(frame) + "\n");
}
