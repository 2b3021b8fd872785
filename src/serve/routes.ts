// The daemon's API in one table: fastify registers it, the OpenAPI document is built
// from it, and each request body is validated against the named file in schemas/.
import type { Scope } from "../authority/scopes.js";
import { TAR_STREAM_MAX_BYTES } from "../engine/files/entries.js";
import * as h from "./handlers.js";

export interface RouteSpec {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** fastify syntax; `:name` is an instance name, checked before the handler runs */
  url: string;
  operationId: string;
  summary: string;
  /** absent: no token needed */
  scope?: Scope;
  /** request body schema (schemas/ relative id); `optional` bodies may be omitted */
  body?: { schema: string; optional?: boolean };
  /** the body is a tar stream (application/x-tar), up to this many bytes */
  tarBody?: number;
  /** query parameters, all required strings */
  query?: { name: string; description: string }[];
  ok: { status: number; description: string; schema?: string; ndjson?: string; tar?: boolean };
  errors: number[];
  handler(ctx: h.Ctx): Promise<unknown>;
}

const AUTH_ERRORS = [401, 403];

export const ROUTES: RouteSpec[] = [
  {
    method: "GET",
    url: "/healthz",
    operationId: "health",
    summary: "Engine version and running instance count (no token)",
    ok: { status: 200, description: "the daemon is serving", schema: "api/health.json" },
    errors: [503],
    handler: h.health,
  },
  {
    method: "POST",
    url: "/v1/enclaves",
    operationId: "startEnclave",
    summary: "Boot an enclave definition as a running instance",
    scope: "enclave:start",
    body: { schema: "api/start-request.json" },
    ok: { status: 201, description: "the instance is running", schema: "api/instance.json" },
    errors: [400, ...AUTH_ERRORS, 409, 413, 415, 500, 503],
    handler: h.startEnclave,
  },
  {
    method: "GET",
    url: "/v1/enclaves",
    operationId: "listEnclaves",
    summary: "List instances (those the token may use)",
    scope: "enclave:read",
    ok: { status: 200, description: "the instances", schema: "output/sys-diagnostics-sandbox-list.json" },
    errors: [...AUTH_ERRORS, 500, 503],
    handler: h.listEnclaves,
  },
  {
    method: "DELETE",
    url: "/v1/enclaves/:name",
    operationId: "stopEnclave",
    summary: "Stop an instance and remove its state",
    scope: "enclave:stop",
    ok: { status: 204, description: "stopped" },
    errors: [400, ...AUTH_ERRORS, 404, 500, 503],
    handler: h.stopEnclave,
  },
  {
    method: "GET",
    url: "/v1/enclaves/:name",
    operationId: "inspectEnclave",
    summary: "What runs in the instance (as sandbox-inspect --json): effective policy, digests, modules and their guarded imports",
    scope: "enclave:read",
    ok: { status: 200, description: "the attestation", schema: "output/sys-diagnostics-sandbox-inspect.json" },
    errors: [400, ...AUTH_ERRORS, 404, 500, 503],
    handler: h.inspectEnclave,
  },
  {
    method: "POST",
    url: "/v1/enclaves/:name/exec",
    operationId: "execInEnclave",
    summary: "Run a script or a WASI module in a running instance (as sandbox-exec --json); Accept: application/x-ndjson streams output",
    scope: "enclave:exec",
    body: { schema: "api/exec-request.json" },
    ok: {
      status: 200,
      description: "the outcome, including a policy denial (reason denied, exitCode 77)",
      schema: "output/sys-diagnostics-sandbox-exec.json",
      ndjson: "api/exec-event.json",
    },
    errors: [400, ...AUTH_ERRORS, 404, 413, 415, 500, 503],
    handler: h.execEnclave,
  },
  {
    method: "POST",
    url: "/v1/enclaves/:name/probe",
    operationId: "probeEnclave",
    summary: "Run the breach-probe suite against a throwaway instance of the enclave definition",
    scope: "enclave:probe",
    body: { schema: "api/probe-request.json", optional: true },
    ok: { status: 200, description: "the probe report", schema: "probe-report.schema.json" },
    errors: [400, ...AUTH_ERRORS, 404, 413, 415, 500, 503],
    handler: h.probeEnclave,
  },
  {
    method: "GET",
    url: "/v1/enclaves/:name/audit",
    operationId: "auditEnclave",
    summary: "The instance's policy audit records",
    scope: "enclave:audit",
    ok: { status: 200, description: "the audit records", schema: "output/sys-diagnostics-sandbox-audit.json" },
    errors: [400, ...AUTH_ERRORS, 404, 500, 503],
    handler: h.auditEnclave,
  },
  {
    method: "PUT",
    url: "/v1/enclaves/:name/files",
    operationId: "uploadFiles",
    summary: "Extract a tar stream into a directory of the instance (as sandbox-cp - NAME:PATH), under its policy",
    scope: "enclave:files",
    tarBody: TAR_STREAM_MAX_BYTES,
    query: [{ name: "path", description: "absolute guest path of an existing directory" }],
    ok: { status: 200, description: "copied (the sandbox-cp --json document)", schema: "output/sys-diagnostics-sandbox-cp.json" },
    errors: [400, ...AUTH_ERRORS, 404, 413, 415, 500, 503],
    handler: h.uploadFiles,
  },
  {
    method: "GET",
    url: "/v1/enclaves/:name/files",
    operationId: "downloadFiles",
    summary: "A tar stream of a file or directory tree of the instance (as sandbox-cp NAME:PATH -), under its policy",
    scope: "enclave:files",
    query: [{ name: "path", description: "absolute guest path; PATH/. for a directory's contents" }],
    ok: { status: 200, description: "the tar stream (application/x-tar)", tar: true },
    errors: [400, ...AUTH_ERRORS, 404, 413, 500, 503],
    handler: h.downloadFiles,
  },
];
