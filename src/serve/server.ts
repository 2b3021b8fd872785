// The fastify application: routes from the table, a token check per /v1 request,
// request bodies validated against schemas/ (the same strict ajv instance as the
// CLI), every error as `{error, message}`, one log line per request.
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { schemaErrors } from "../engine/schema/validator.js";
import { checkInstanceName } from "../engine/state/state-dir.js";
import { authenticate, requireEnclave, requireScope, type Grant } from "./auth.js";
import { discardBody } from "./drain-body.js";
import { errorBody, HttpError, toHttpError } from "./http-error.js";
import { Inflight } from "./inflight.js";
import { useJsonBodyParser } from "./json-body.js";
import { buildOpenApi } from "./openapi.js";
import type { LogSink } from "./request-log.js";
import { ROUTES, RouteSpec } from "./routes.js";

export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

export interface ServerOptions {
  bodyLimit?: number;
  log: LogSink;
}

export interface Server {
  app: FastifyInstance;
  /** Refuse new requests with 503 (in-flight ones finish). */
  drain(): void;
  /** Answer every request still in flight with `reason` (see inflight.ts). */
  abortInflight(reason: HttpError): Promise<number>;
  requests(): number;
}

interface RequestState {
  grant?: Grant;
  name?: string;
  error?: string;
}

export function buildServer(opts: ServerOptions): Server {
  const limit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: false,
    bodyLimit: limit,
    return503OnClosing: false, // we answer 503 ourselves, in our error format
    forceCloseConnections: "idle",
  });
  // Only JSON bodies: anything else is a 415, not a string to validate.
  app.removeContentTypeParser("text/plain");
  useJsonBodyParser(app);
  // tar streams, only for the routes that take one (the others answer 415, see preValidation)
  app.addContentTypeParser("application/x-tar", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  const inflight = new Inflight();
  const state = new WeakMap<FastifyRequest, RequestState>();
  let draining = false;
  let count = 0;

  app.addHook("onRequest", async (req, reply) => {
    count++;
    state.set(req, {});
    inflight.add(req, reply);
    if (draining) {
      reply.header("connection", "close");
      throw new HttpError(503, "SHUTTING_DOWN", "the server is shutting down; retry against a new instance of it");
    }
  });

  app.addHook("onRequestAbort", async (req) => inflight.delete(req));
  for (const route of ROUTES) register(app, route, state, inflight);
  const openapi = buildOpenApi(); // at start-up: a broken schema file stops the daemon here
  app.get("/openapi.json", async () => openapi);

  app.setNotFoundHandler(async (req) => {
    throw new HttpError(404, "NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`);
  });
  app.setErrorHandler(async (err, req, reply) => {
    let e = toHttpError(err);
    if (e.code === "PAYLOAD_TOO_LARGE") e = new HttpError(413, e.code, `request body over the limit of ${limit} bytes (serve --body-limit)`);
    // Refused before the body was read (401, 403, 413, 503...): read the rest first,
    // or the client may see a reset instead of this answer.
    await discardBody(req.raw);
    const s = state.get(req);
    if (s) s.error = e.code;
    reply.code(e.status).headers(e.headers).type("application/json");
    return errorBody(e);
  });
  app.addHook("onResponse", async (req, reply) => {
    inflight.delete(req);
    const s = state.get(req);
    opts.log({
      time: new Date().toISOString(),
      level: reply.statusCode >= 500 ? "error" : reply.statusCode >= 400 ? "warn" : "info",
      msg: "request",
      method: req.method,
      url: req.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      remote: req.ip,
      ...(s?.grant ? { subject: s.grant.record.subject, tokenId: s.grant.record.id } : {}),
      ...(s?.error ? { error: s.error } : {}),
    });
  });

  return { app, drain: () => void (draining = true), abortInflight: (reason) => inflight.abortAll(reason), requests: () => count };
}

function register(app: FastifyInstance, route: RouteSpec, state: WeakMap<FastifyRequest, RequestState>, inflight: Inflight) {
  app.route({
    method: route.method,
    url: route.url,
    ...(route.tarBody ? { bodyLimit: route.tarBody } : {}),
    // Token first (401/403 before anything about the request is looked at), then the
    // instance name: a traversal name is a 400 here and never reaches a path.
    onRequest: async (req) => {
      if (!route.scope) return;
      const s = state.get(req)!;
      s.grant = await authenticate(req);
      requireScope(s.grant, route.scope);
      const name = (req.params as { name?: string }).name;
      if (name !== undefined) {
        s.name = checkName(name);
        requireEnclave(s.grant, s.name);
      }
    },
    preValidation: async (req) => {
      const tar = Buffer.isBuffer(req.body);
      if (tar !== !!route.tarBody && req.body !== undefined) throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `this route takes ${route.tarBody ? "application/x-tar" : "application/json"}`);
      if (!route.body) return;
      if (req.body === undefined && route.body.optional) return;
      const errors = schemaErrors(route.body.schema, req.body ?? null);
      if (errors.length) throw new HttpError(400, "BAD_REQUEST", `invalid request body: ${explain(errors)}`, errors);
    },
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const s = state.get(req)!;
      return route.handler({ req, reply, grant: s.grant, name: s.name, signal: inflight.signalOf(req) });
    },
  });
}

function checkName(name: string): string {
  try {
    return checkInstanceName(name);
  } catch (e) {
    throw new HttpError(400, "BAD_REQUEST", (e as Error).message);
  }
}

/** ajv's lines, with oneOf noise replaced by what the client should do. */
function explain(errors: string[]): string {
  const field = errors.filter((e) => !/must match exactly one schema in oneOf|must have required property '(cmd|wasm)'/.test(e));
  const oneOf = errors.length !== field.length ? ["/: give exactly one of 'cmd' or 'wasm'"] : [];
  return [...oneOf, ...field].join("; ");
}
