// The fastify application: routes from the table, the /v1 routes in a plugin whose
// onRequest hook checks the token (so no /v1 route can miss it), request bodies
// validated against schemas/ through fastify's validator compiler (the same strict
// validators as the CLI), every error as `{error, message}`, one log line per request.
import Fastify, { FastifyInstance, FastifyRequest } from "fastify";
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

declare module "fastify" {
  interface FastifyRequest {
    /** The token's grant (set by the /v1 auth hook; null outside /v1). */
    grant: Grant | null;
    /** The validated {name} path parameter. */
    instanceName: string | null;
    /** The error code answered, for the request log. */
    errorCode: string | null;
  }
  interface FastifyContextConfig {
    route?: RouteSpec;
  }
}

/** A body schema as routes declare it: a file of schemas/, validated by our ajv. */
interface BodySchema {
  file: string;
  optional?: boolean;
}

export const V1 = "/v1";

export function buildServer(opts: ServerOptions): Server {
  // Fail at start-up, not per request: /v1 routes need a scope, others must not have one.
  for (const r of ROUTES)
    if (isV1(r) !== !!r.scope) throw new Error(`serve: route ${r.method} ${r.url} ${r.scope ? "has a scope outside /v1" : "under /v1 has no scope"}`);
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
  app.decorateRequest("grant", null);
  app.decorateRequest("instanceName", null);
  app.decorateRequest("errorCode", null);
  // Bodies are checked by the same strict, precompiled validators as the CLI's files.
  app.setValidatorCompiler(({ schema }) => bodyValidator(schema as BodySchema));
  const inflight = new Inflight();
  let draining = false;
  let count = 0;

  app.addHook("onRequest", async (req, reply) => {
    count++;
    inflight.add(req, reply);
    if (draining) {
      reply.header("connection", "close");
      throw new HttpError(503, "SHUTTING_DOWN", "the server is shutting down; retry against a new instance of it");
    }
  });

  app.addHook("onRequestAbort", async (req) => inflight.delete(req));
  for (const route of ROUTES.filter((r) => !isV1(r))) register(app, route, inflight, route.url);
  // Everything under /v1 sits behind the token check: the boundary is the plugin's scope.
  void app.register(
    async (v1) => {
      v1.addHook("onRequest", authorize);
      for (const route of ROUTES.filter(isV1)) register(v1, route, inflight, route.url.slice(V1.length));
    },
    { prefix: V1 },
  );
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
    req.errorCode = e.code;
    reply.code(e.status).headers(e.headers).type("application/json");
    return errorBody(e);
  });
  app.addHook("onResponse", async (req, reply) => {
    inflight.delete(req);
    opts.log({
      time: new Date().toISOString(),
      level: reply.statusCode >= 500 ? "error" : reply.statusCode >= 400 ? "warn" : "info",
      msg: "request",
      method: req.method,
      url: req.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      remote: req.ip,
      ...(req.grant ? { subject: req.grant.record.subject, tokenId: req.grant.record.id } : {}),
      ...(req.errorCode ? { error: req.errorCode } : {}),
    });
  });

  return { app, drain: () => void (draining = true), abortInflight: (reason) => inflight.abortAll(reason), requests: () => count };
}

function isV1(route: RouteSpec): boolean {
  return route.url === V1 || route.url.startsWith(V1 + "/");
}

/** The /v1 hook: token first (401/403 before anything about the request is looked at),
 *  then the instance name, so a traversal name is a 400 and never reaches a path. A
 *  request no route matched has no route config: the 404 handler answers it. */
async function authorize(req: FastifyRequest): Promise<void> {
  const route = req.routeOptions.config?.route;
  if (!route) return;
  req.grant = await authenticate(req);
  requireScope(req.grant, route.scope!);
  const name = (req.params as { name?: string }).name;
  if (name !== undefined) {
    req.instanceName = checkName(name);
    requireEnclave(req.grant, req.instanceName);
  }
}

function register(app: FastifyInstance, route: RouteSpec, inflight: Inflight, url: string) {
  app.route<{ Body: unknown; Querystring: unknown }>({
    method: route.method,
    url,
    config: { route },
    ...(route.tarBody ? { bodyLimit: route.tarBody } : {}),
    ...(route.body ? { schema: { body: { file: route.body.schema, optional: route.body.optional } satisfies BodySchema } } : {}),
    preValidation: async (req) => {
      const tar = Buffer.isBuffer(req.body);
      if (tar !== !!route.tarBody && req.body !== undefined)
        throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `this route takes ${route.tarBody ? "application/x-tar" : "application/json"}`);
    },
    handler: async (req, reply) =>
      route.handler({ req, reply, grant: req.grant ?? undefined, name: req.instanceName ?? undefined, signal: inflight.signalOf(req) }),
  });
}

/** fastify hands a missing body over as null: an optional body may be absent. */
function bodyValidator(schema: BodySchema) {
  return (data: unknown) => {
    if (data === null && schema.optional) return true;
    const errors = schemaErrors(schema.file, data);
    return errors.length ? { error: new HttpError(400, "BAD_REQUEST", `invalid request body: ${explain(errors)}`, errors) } : { value: data };
  };
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
