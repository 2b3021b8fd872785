// A client connection to one instance host: connect with bounded retries, say hello
// (protocol version and instance token must match), then send requests.
import { connect as netConnect, Socket } from "node:net";
import { EngineError } from "../errors.js";
import { readFrames, writeFrame } from "../protocol/framing.js";
import { CommandType, Frame, HelloResponseBody, OutputEvent, PROTOCOL_VERSION, Response } from "../protocol/messages.js";

export class HostConnection {
  private seq = 1;
  private readonly waiting = new Map<number, { settle(r: Response): void; reject(e: Error): void; onEvent?: (e: OutputEvent) => void }>();
  private failure?: EngineError;

  private constructor(private readonly socket: Socket) {
    readFrames(
      socket,
      (f) => this.onFrame(f),
      (e) => this.fail(e),
    );
    socket.on("close", () => this.fail(new EngineError("HOST_UNREACHABLE", "connection to the enclave host closed unexpectedly")));
    socket.on("error", () => {});
  }

  /** Connects and checks the host is the instance described by `token`. */
  static async open(socketPath: string, token: string, attempts = 3): Promise<HostConnection> {
    let last: NodeJS.ErrnoException | undefined;
    for (let i = 0; i < attempts; i++) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = netConnect(socketPath);
          s.once("connect", () => resolve(s));
          s.once("error", reject);
        });
        const conn = new HostConnection(socket);
        const hello = await conn.request("hello", { protocol: PROTOCOL_VERSION });
        const body = hello.body as unknown as HelloResponseBody;
        if (body.protocol !== PROTOCOL_VERSION) {
          conn.close();
          throw new EngineError(
            "VERSION_MISMATCH",
            `enclave host speaks protocol ${body.protocol}, this CLI speaks ${PROTOCOL_VERSION}; restart the instance with this CLI`,
          );
        }
        if (body.token !== token) {
          conn.close();
          throw new EngineError("HOST_DEAD", "the process at the instance's socket is not the instance that was started");
        }
        return conn;
      } catch (e) {
        if (e instanceof EngineError) throw e;
        last = e as NodeJS.ErrnoException;
        if (last.code === "ENOENT" || last.code === "ECONNREFUSED") break; // nobody listens: no point retrying
        await new Promise((r) => setTimeout(r, 50 * (i + 1)));
      }
    }
    throw new EngineError("HOST_UNREACHABLE", `cannot connect to the enclave host at ${socketPath}: ${last?.code ?? last?.message}`);
  }

  request(command: CommandType, args: object, onEvent?: (e: OutputEvent) => void): Promise<Response> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, {
        settle: (r) => (r.success ? resolve(r) : reject(new EngineError((r.code as EngineError["code"]) ?? "INTERNAL", r.message ?? "request failed"))),
        reject,
        onEvent,
      });
      writeFrame(this.socket, { v: 1, seq, type: "request", command, arguments: args as Record<string, unknown> });
    });
  }

  /** A request the host does not answer (stdin data, cancel). */
  notify(command: CommandType, args: object): void {
    writeFrame(this.socket, { v: 1, seq: this.seq++, type: "request", command, arguments: args as Record<string, unknown> });
  }

  /** Sequence number the next request will get (stdin frames refer to it). */
  get nextSeq(): number {
    return this.seq;
  }

  close(): void {
    this.failure ??= new EngineError("HOST_UNREACHABLE", "connection closed");
    this.socket.end();
    this.socket.destroy();
  }

  private onFrame(f: Frame) {
    if (f.type === "event") this.waiting.get(f.body.request_seq)?.onEvent?.(f);
    else if (f.type === "response") {
      const w = this.waiting.get(f.request_seq);
      this.waiting.delete(f.request_seq);
      w?.settle(f);
    }
  }

  private fail(e: EngineError) {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}
