// GET /openapi.json: an OpenAPI 3.1 document built from the route table and the very
// schema files the daemon validates with. Each file becomes a component; its
// draft-07 `definitions` are lifted to components of their own and `$ref`s rewritten.
import { readFileSync } from "node:fs";
import { ENGINE_VERSION, packagePath } from "../engine/package-root.js";
import { NAME_PATTERN } from "../engine/state/state-dir.js";
import { ROUTES, RouteSpec } from "./routes.js";
import { NDJSON } from "./exec-stream.js";

const BASE = "https://coreason.dev/schemas/";
const TAR = "application/x-tar";
type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: "invalid request: a schema violation (the message names the field), an invalid enclave name, a bad policy or module",
  401: "missing, invalid, expired or revoked token",
  403: "the token lacks the scope, or does not name this enclave (FORBIDDEN); for files, the enclave's policy denied the copy (POLICY_DENIED, with violations)",
  404: "no such instance, or its host died (the message says which)",
  409: "an instance of that name is already running",
  413: "request body over the limit",
  415: "content type is not the route's (application/json; application/x-tar for files)",
  500: "engine failure",
  503: "shutting down, or the instance's host cannot be reached",
};

export function buildOpenApi(routes: RouteSpec[] = ROUTES): Json {
  const components = new Components();
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, "{$1}");
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      security: r.scope ? [{ bearer: [r.scope] }] : [],
      responses: responses(r, components),
    };
    if (r.url.includes(":name"))
      op.parameters = [{ name: "name", in: "path", required: true, description: "instance name", schema: { type: "string", pattern: NAME_PATTERN.source } }];
    for (const q of r.query ?? [])
      (op.parameters as Json[]).push({ name: q.name, in: "query", required: true, description: q.description, schema: { type: "string" } });
    if (r.body) op.requestBody = { required: !r.body.optional, content: { "application/json": { schema: components.ref(r.body.schema) } } };
    if (r.tarBody)
      op.requestBody = {
        required: true,
        description: `a tar stream (ustar/pax), at most ${r.tarBody} bytes`,
        content: { [TAR]: { schema: { type: "string", format: "binary" } } },
      };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  paths["/openapi.json"] = {
    get: {
      operationId: "openapi",
      summary: "This document (no token)",
      security: [],
      responses: { "200": { description: "OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } } },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "coreason-server serve",
      version: ENGINE_VERSION,
      description: "The enclave engine over HTTP. Send Authorization: Bearer <token> (coreason-server authority issue) on /v1.",
    },
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "EdDSA capability token from coreason-server authority issue" },
      },
    },
  };
}

function responses(r: RouteSpec, components: Components): Json {
  const out: Json = {};
  const ok: Json = { description: r.ok.description };
  if (r.ok.tar) ok.content = { [TAR]: { schema: { type: "string", format: "binary" } } };
  if (r.ok.schema) {
    const content: Json = { "application/json": { schema: components.ref(r.ok.schema) } };
    if (r.ok.ndjson) content[NDJSON] = { schema: components.ref(r.ok.ndjson) };
    ok.content = content;
  }
  out[String(r.ok.status)] = ok;
  for (const s of r.errors) out[String(s)] = { description: STATUS_TEXT[s], content: { "application/json": { schema: components.ref("api/error.json") } } };
  return out;
}

class Components {
  readonly schemas: Record<string, Json> = {};

  /** A $ref to schemas/<file>, adding it (and what it references) to the components. */
  ref(file: string, fragment = ""): Json {
    this.add(file);
    return { $ref: `#/components/schemas/${componentName(file, fragment)}` };
  }

  private add(file: string) {
    const name = componentName(file, "");
    if (this.schemas[name]) return;
    this.schemas[name] = {}; // reserve first: schemas may reference each other
    const doc = JSON.parse(readFileSync(packagePath("schemas", file), "utf8")) as Json;
    const id = (doc.$id as string) ?? BASE + file;
    const { $schema: _s, $id: _i, definitions, ...rest } = doc;
    for (const [k, v] of Object.entries((definitions ?? {}) as Json)) this.schemas[componentName(file, `/definitions/${k}`)] = this.rewrite(v, id) as Json;
    this.schemas[name] = this.rewrite(rest, id) as Json;
  }

  private rewrite(node: unknown, id: string): unknown {
    if (Array.isArray(node)) return node.map((n) => this.rewrite(n, id));
    if (!node || typeof node !== "object") return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === "$ref" && typeof v === "string") {
        const abs = new URL(v, id).href;
        const [url, fragment = ""] = abs.split("#");
        if (!url.startsWith(BASE)) throw new Error(`openapi: reference outside schemas/: ${v}`);
        Object.assign(out, this.ref(url.slice(BASE.length), fragment));
      } else if (k === "dependencies" && isArrayMap(v)) {
        out.dependentRequired = v; // draft-07 array form, renamed in 2020-12 (OpenAPI 3.1)
      } else {
        out[k] = this.rewrite(v, id);
      }
    }
    return out;
  }
}

function isArrayMap(v: unknown): v is Record<string, string[]> {
  return !!v && typeof v === "object" && Object.values(v).every(Array.isArray);
}

function componentName(file: string, fragment: string): string {
  const base = file.replace(/(\.schema)?\.json$/, "").replace(/[^A-Za-z0-9._-]/g, ".");
  const def = /^\/definitions\/(.+)$/.exec(fragment);
  if (fragment && !def) throw new Error(`openapi: unsupported reference fragment #${fragment} in ${file}`);
  return def ? `${base}.${def[1]}` : base;
}
