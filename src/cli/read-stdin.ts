// A whole stream in memory, refused past a bound (a copy's tar stream on stdin).
import { EngineError } from "../engine/errors.js";

export async function readStdinBounded(stream: NodeJS.ReadableStream, maxBytes: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    n += b.length;
    if (n > maxBytes) throw new EngineError("COPY_TOO_LARGE", `${what} is larger than ${maxBytes} bytes`);
    parts.push(b);
  }
  return Buffer.concat(parts);
}
