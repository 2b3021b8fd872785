// Issue and verify capability tokens: EdDSA JWTs signed and checked by jose. A token
// is valid only if its signature, claims and expiry check out AND the registry knows
// its id and has not revoked it.
import { randomBytes } from "node:crypto";
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { schemaErrors } from "../engine/schema/validator.js";
import { checkInstanceName } from "../engine/state/state-dir.js";
import { EngineError } from "../engine/errors.js";
import { readKeyFile, signingKey, verifyKey } from "./keys.js";
import { readRegistry, recordIssued, TokenRecord } from "./registry.js";
import { isScope, Scope, SCOPES } from "./scopes.js";

export const ISSUER = "coreason-server authority";
export const AUDIENCE = "coreason-server serve";

export interface IssueOptions {
  subject: string;
  scopes: string[];
  enclaves?: string[];
  ttlSeconds: number;
}

export interface IssuedToken {
  token: string;
  record: TokenRecord;
}

export async function issueToken(opts: IssueOptions): Promise<IssuedToken> {
  const scopes = [...new Set(opts.scopes)];
  const bad = scopes.filter((s) => !isScope(s));
  if (bad.length) throw new EngineError("USAGE", `--scope ${bad.map((s) => `'${s}'`).join(", ")}: unknown scope; use ${SCOPES.join(", ")}`);
  if (!opts.subject.trim() || opts.subject.length > 256) throw new EngineError("USAGE", "--subject must be 1 to 256 characters");
  const enclaves = opts.enclaves?.length ? [...new Set(opts.enclaves.map((n) => checkInstanceName(n, "instance name")))] : null;
  const { key, kid } = await signingKey();
  const now = Math.floor(Date.now() / 1000);
  const record: TokenRecord = {
    id: randomBytes(8).toString("hex"),
    subject: opts.subject,
    scopes: scopes as Scope[],
    enclaves,
    issuedAt: new Date(now * 1000).toISOString(),
    expiresAt: new Date((now + opts.ttlSeconds) * 1000).toISOString(),
    revoked: false,
  };
  const token = await new SignJWT({ scope: scopes.join(" "), ...(enclaves ? { enclaves } : {}) })
    .setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(opts.subject)
    .setJti(record.id)
    .setIssuedAt(now)
    .setExpirationTime(now + opts.ttlSeconds)
    .sign(key);
  // Registered after signing: a token that failed to sign was never issued.
  recordIssued(record);
  return { token, record };
}

export type InvalidReason = "no-key" | "malformed" | "signature" | "expired" | "claims" | "unknown" | "revoked";

export type Verification =
  { valid: true; record: TokenRecord; scopes: Scope[]; enclaves: string[] | null } | { valid: false; reason: InvalidReason; message: string; id?: string };

/** Never throws for a bad token; throws only when the authority's own files are unusable. */
export async function verifyToken(token: string): Promise<Verification> {
  let key;
  try {
    key = (await verifyKey()).key;
  } catch (e) {
    if (e instanceof EngineError && e.code === "AUTHORITY_KEY_MISSING")
      return { valid: false, reason: "no-key", message: `${e.message}; the daemon accepts no token until authority init is run` };
    throw e;
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(token.trim(), key, { algorithms: ["EdDSA"], issuer: ISSUER, audience: AUDIENCE, typ: "JWT" }));
  } catch (e) {
    return joseFailure(e, token);
  }
  const errors = schemaErrors("api/token-claims.json", payload);
  if (errors.length) return { valid: false, reason: "claims", message: `token claims are invalid: ${errors.join("; ")}` };
  const id = payload.jti!;
  const record = readRegistry().get(id);
  if (!record)
    return { valid: false, reason: "unknown", id, message: `token ${id} is not in this authority's registry (issued elsewhere, or the registry was reset)` };
  if (record.revoked) return { valid: false, reason: "revoked", id, message: `token ${id} was revoked at ${record.revokedAt}` };
  return { valid: true, record, scopes: record.scopes, enclaves: record.enclaves };
}

function joseFailure(e: unknown, token: string): Verification {
  const id = peekId(token);
  if (e instanceof joseErrors.JWTExpired)
    return {
      valid: false,
      reason: "expired",
      id,
      message: `token ${id ?? ""} expired at ${new Date(Number(e.payload.exp) * 1000).toISOString()}`.replace("  ", " "),
    };
  if (e instanceof joseErrors.JWSSignatureVerificationFailed)
    return {
      valid: false,
      reason: "signature",
      id,
      message: "signature does not verify with this authority's key (forged, altered, or signed by a replaced key)",
    };
  if (e instanceof joseErrors.JWTClaimValidationFailed)
    return { valid: false, reason: "claims", id, message: `token claim '${e.claim}' is invalid: ${e.reason}` };
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return { valid: false, reason: "malformed", id, message: "token is not signed with EdDSA" };
  return { valid: false, reason: "malformed", id, message: `not a well-formed JWT: ${(e as Error).message}` };
}

function peekId(token: string): string | undefined {
  try {
    const jti = decodeJwt(token.trim()).jti;
    return typeof jti === "string" && /^[0-9a-f]{16}$/.test(jti) ? jti : undefined;
  } catch {
    return undefined;
  }
}

/** Registry entries, oldest first (never the tokens themselves: they are not stored). */
export function listTokens(): TokenRecord[] {
  // a corrupt key fails closed here too (78), as in every authority command; none is fine
  try {
    readKeyFile();
  } catch (e) {
    if ((e as EngineError).code !== "AUTHORITY_KEY_MISSING") throw e;
  }
  return [...readRegistry().values()];
}
