// Bearer-token checks for /v1: 401 when the token is missing or not valid (verified,
// registry consulted, on every request so revocation needs no restart), 403 when it
// lacks the route's scope or does not name the enclave.
import type { FastifyRequest } from "fastify";
import type { Scope } from "../authority/scopes.js";
import { verifyToken } from "../authority/tokens.js";
import type { TokenRecord } from "../authority/registry.js";
import { HttpError } from "./http-error.js";

export interface Grant {
  record: TokenRecord;
  scopes: Scope[];
  enclaves: string[] | null;
}

function unauthorized(message: string, error = "invalid_token"): HttpError {
  return new HttpError(401, "UNAUTHORIZED", message, undefined, { "www-authenticate": `Bearer error="${error}"` });
}

/** 401 unless the request carries a valid token; the grant it gives (any scope). */
export async function authenticate(req: FastifyRequest): Promise<Grant> {
  const header = req.headers.authorization;
  if (!header) throw unauthorized("missing token: send Authorization: Bearer <token> (issue one with authority issue)", "invalid_request");
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthorized("malformed Authorization header: expected 'Bearer <token>'", "invalid_request");
  const v = await verifyToken(m[1]);
  if (!v.valid) throw unauthorized(`invalid token: ${v.message}`);
  return { record: v.record, scopes: v.scopes, enclaves: v.enclaves };
}

/** 403 unless the grant has `scope` (checked after authenticate, so the request log
 *  names the token that was refused). */
export function requireScope(grant: Grant, scope: Scope): void {
  if (!grant.scopes.includes(scope)) throw new HttpError(403, "FORBIDDEN", `token ${grant.record.id} lacks scope ${scope} (it has ${grant.scopes.join(", ")})`);
}

/** 403 unless the grant covers enclave `name`. */
export function requireEnclave(grant: Grant, name: string): void {
  if (grant.enclaves && !grant.enclaves.includes(name)) {
    throw new HttpError(403, "FORBIDDEN", `token ${grant.record.id} is not valid for enclave ${name} (it names ${grant.enclaves.join(", ")})`);
  }
}

export function mayUse(grant: Grant, name: string): boolean {
  return !grant.enclaves || grant.enclaves.includes(name);
}
