// The serve daemon's life: listen, announce the address (tests and scripts read it
// from stderr), serve until SIGTERM/SIGINT, then stop accepting, give in-flight
// requests up to 10 s, and return. A request still running at that limit is answered
// (503 SHUTTING_DOWN, or an error event ending its stream), never cut off, and an exec
// among them stops waiting for its enclave, whose host then stops the guest. Instances
// are separate processes: they keep running.
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { signingKeyPath } from "../authority/paths.js";
import { ENGINE_VERSION } from "../engine/package-root.js";
import { stateDir } from "../engine/state/state-dir.js";
import { HttpError } from "./http-error.js";
import { stderrLog } from "./request-log.js";
import { buildServer } from "./server.js";

export const DRAIN_MS = 10000;
/** After the forced answers, how long a client has to read them before its connection closes. */
const CLOSE_GRACE_MS = 1000;

export interface DaemonOptions {
  host: string;
  port: number;
  jsonLogs: boolean;
  bodyLimit?: number;
}

export interface ServeResult {
  url: string;
  requests: number;
  signal: string;
  drainMs: number;
  /** in-flight requests were cut off at the drain deadline */
  forced: boolean;
}

export async function runDaemon(opts: DaemonOptions): Promise<ServeResult> {
  const log = stderrLog(opts.jsonLogs);
  const now = () => new Date().toISOString();
  const server = buildServer({ bodyLimit: opts.bodyLimit, log });
  const stopped = nextSignal(); // before listen: a signal during start-up still stops cleanly
  await server.app.listen({ host: opts.host, port: opts.port });
  const { port } = server.app.server.address() as AddressInfo;
  const url = `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}`;
  log({ time: now(), level: "info", msg: "listening", url, engineVersion: ENGINE_VERSION, stateDir: stateDir() });
  if (!existsSync(signingKeyPath())) log({ time: now(), level: "warn", msg: "no authority key: every /v1 request gets 401 until `authority init` is run" });

  const signal = await stopped;
  const t = Date.now();
  server.drain();
  log({ time: now(), level: "info", msg: "shutting down", signal, drainLimitMs: DRAIN_MS });
  let forced = false;
  let lastResort: NodeJS.Timeout | undefined;
  const deadline = setTimeout(() => {
    forced = true;
    const reason = new HttpError(
      503,
      "SHUTTING_DOWN",
      `the server shut down before this request finished (drain limit ${DRAIN_MS} ms); an exec was stopped`,
      undefined,
      { connection: "close" },
    );
    void server.abortInflight(reason).then(() => {
      // every request is answered: a client that does not read its answer is not waited for
      lastResort = setTimeout(() => server.app.server.closeAllConnections(), CLOSE_GRACE_MS);
    });
  }, DRAIN_MS);
  await server.app.close();
  clearTimeout(deadline);
  clearTimeout(lastResort);
  const drainMs = Date.now() - t;
  log({ time: now(), level: forced ? "warn" : "info", msg: "stopped", drainMs, forced });
  return { url, requests: server.requests(), signal, drainMs, forced };
}

function nextSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off("SIGTERM", on);
      process.off("SIGINT", on);
      resolve(sig);
    };
    process.on("SIGTERM", on);
    process.on("SIGINT", on);
  });
}
