// The /v1 handlers: each is one engine call and the response it makes.
import { inspectInstance } from "../engine/client/inspect.js";
import { startResult } from "../engine/client/start-result.js";
import type { FastifyReply, FastifyRequest } from "fastify";
import { auditOf } from "../engine/client/audit.js";
import { listInstances, startInstance, stopInstance } from "../engine/client/instances.js";
import { ENGINE_VERSION } from "../engine/package-root.js";
import type { Policy } from "../engine/policy/policy.js";
import { runProbeSuite } from "../engine/probe/run-suite.js";
import { mayUse, requireEnclave, type Grant } from "./auth.js";
import { runExec, ExecRequestBody } from "./exec-request.js";
import { NDJSON, streamExec } from "./exec-stream.js";
import { shutdownOr } from "./inflight.js";
import { checkInstanceName } from "../engine/state/state-dir.js";
import { sandboxCopy, type CopyResult } from "../engine/files/copy.js";
import { violationLine } from "../engine/verdict.js";
import { HttpError } from "./http-error.js";

/** A handler's request: its body and query as the route's schema checked them. */
export interface Ctx<Body = unknown, Query = unknown> {
  req: FastifyRequest<{ Body: Body; Querystring: Query }>;
  reply: FastifyReply;
  grant?: Grant;
  /** the validated {name} path parameter */
  name?: string;
  /** aborted when a shutdown reaches its drain limit (the reason is the 503 to answer) */
  signal?: AbortSignal;
}

interface StartBody {
  enclave: string;
  /** the instance's name (default: the definition's); tokens name instances */
  name?: string;
  memoryPages?: number;
  policy?: Policy;
}

export async function health(): Promise<object> {
  const instances = await listInstances();
  return { status: "ok", engineVersion: ENGINE_VERSION, instances: instances.filter((i) => i.status === "running").length };
}

export async function startEnclave({ req, reply, grant }: Ctx<StartBody>): Promise<object> {
  const body = req.body;
  const name = checkInstanceName(body.name ?? body.enclave, "instance name");
  requireEnclave(grant!, name);
  const { record, plan } = await startInstance({ enclave: body.enclave, name, memoryPages: body.memoryPages, policy: body.policy });
  reply.code(201).header("location", `/v1/enclaves/${encodeURIComponent(record.name)}`);
  return startResult(record, plan);
}

export async function listEnclaves({ grant }: Ctx): Promise<object> {
  // A token limited to some enclaves sees only those.
  return { instances: (await listInstances()).filter((i) => mayUse(grant!, i.name)) };
}

export async function stopEnclave({ reply, name }: Ctx): Promise<undefined> {
  await stopInstance(name!);
  reply.code(204);
  return undefined;
}

export async function execEnclave({ req, reply, name, signal }: Ctx<ExecRequestBody>): Promise<unknown> {
  const body = req.body;
  if (wantsNdjson(req)) return streamExec(name!, body, reply, signal);
  try {
    return await runExec(name!, body, undefined, signal);
  } catch (e) {
    throw shutdownOr(signal, e);
  }
}

function wantsNdjson(req: FastifyRequest<{ Body: ExecRequestBody }>): boolean {
  return (req.headers.accept ?? "").split(",").some((t) => t.trim().split(";")[0].toLowerCase() === NDJSON);
}

interface ProbeBody {
  only?: string;
  memoryPages?: number;
  policy?: Policy;
}

/** The body is optional: fastify gives a missing one as null. */
export async function probeEnclave({ req, name }: Ctx<ProbeBody | null>): Promise<object> {
  const body = req.body ?? {};
  return runProbeSuite({ enclave: name!, only: body.only, memoryPages: body.memoryPages, policy: body.policy });
}

export async function inspectEnclave({ name }: Ctx): Promise<object> {
  return inspectInstance(name!);
}

export async function auditEnclave({ name }: Ctx): Promise<object> {
  return auditOf(name!);
}

/** A copy the instance's policy refused: 403 POLICY_DENIED with each violation's line
 *  (also in the instance's audit log). Not FORBIDDEN: the token was good. */
function copied(r: CopyResult): Omit<CopyResult, "tar"> {
  if (r.reason === "denied") {
    throw new HttpError(
      403,
      "POLICY_DENIED",
      `the enclave's policy denied the copy (${r.violations.length} violation${r.violations.length === 1 ? "" : "s"})`,
      r.violations.map(violationLine),
    );
  }
  const { tar: _t, ...doc } = r;
  return doc;
}

interface FilesQuery {
  path?: unknown;
}

function guestPath(req: FastifyRequest<{ Querystring: FilesQuery }>, name: string): string {
  const path = req.query.path;
  if (typeof path !== "string" || !path.startsWith("/"))
    throw new HttpError(400, "BAD_REQUEST", "query parameter path must be an absolute guest path (?path=/workspace/...)");
  return `${name}:${path}`;
}

export async function uploadFiles({ req, name, signal }: Ctx<Buffer | undefined, FilesQuery>): Promise<object> {
  const tarIn = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return copied(await sandboxCopy({ src: "-", dest: guestPath(req, name!), tarIn, signal }));
}

export async function downloadFiles({ req, reply, name, signal }: Ctx<unknown, FilesQuery>): Promise<Buffer> {
  const r = await sandboxCopy({ src: guestPath(req, name!), dest: "-", signal });
  copied(r);
  reply.type("application/x-tar");
  return r.tar!;
}
