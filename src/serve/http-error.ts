// HTTP errors and the one table mapping EngineError codes to statuses. Every error
// response body is `{error, message, violations?}` (schemas/api/error.json).
import { EngineError, EngineErrorCode, isEngineError } from "../engine/errors.js";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly violations?: string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const STATUS_BY_CODE: Record<EngineErrorCode, number> = {
  ENCLAVE_NOT_RUNNING: 404, // the message says "not running"
  HOST_DEAD: 404, // the message says the host died
  ENCLAVE_RUNNING: 409,
  ENCLAVE_BUSY: 409,
  ENCLAVE_UNKNOWN: 400, // names a definition that does not exist: a bad request field
  POLICY_INVALID: 400, // with the violations
  MODULE_REJECTED: 400,
  MODULE_UNREADABLE: 400,
  MODULE_NOT_FOUND: 400,
  USAGE: 400,
  AUTHORITY_KEY_EXISTS: 500, // not reachable over HTTP; listed for completeness
  AUTHORITY_KEY_MISSING: 500, // the daemon cannot verify tokens until authority init
  TOKEN_UNKNOWN: 404,
  AUTHORITY_UNREADABLE: 500,
  AUTHORITY_CORRUPT: 500,
  COPY_FAILED: 400, // a docker-cp rule (no such source, destination parent missing, ...)
  COPY_TOO_LARGE: 413,
  TAR_INVALID: 400,
  COPY_TIMEOUT: 504, // the copy ran past the instance's timeout
  COPY_STOPPED: 500,
  HOST_UNREACHABLE: 503,
  VERSION_MISMATCH: 503, // the instance was started by another engine version: restart it
  BOOT_FAILED: 500,
  DEFINITION_INVALID: 500, // the server's own definition files are broken
  STATE_CORRUPT: 500,
  PROTOCOL_ERROR: 500,
  INTERNAL: 500,
  WORKDIR_DENIED: 400, // the exec's workdir is not granted by the policy: nothing ran
  WORKDIR_MISSING: 400, // no such directory in the enclave: nothing ran
};

export interface ErrorBody {
  error: string;
  message: string;
  violations?: string[];
}

/** Fastify's own errors (body parsing, limits) keep their status with our codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_JSON_BODY: "BAD_REQUEST",
  FST_ERR_CTP_EMPTY_JSON_BODY: "BAD_REQUEST",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "BAD_REQUEST",
};

export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (isEngineError(e)) return fromEngine(e);
  const f = e as { statusCode?: number; code?: string; message?: string };
  if (typeof f.statusCode === "number" && f.statusCode >= 400 && f.statusCode < 500) {
    const message = f.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" ? `${f.message}; send application/json` : (f.message ?? "bad request");
    return new HttpError(f.statusCode, FASTIFY_CODES[f.code ?? ""] ?? "BAD_REQUEST", message);
  }
  return new HttpError(500, "INTERNAL", `internal error: ${(e as Error)?.message ?? String(e)}`);
}

function fromEngine(e: EngineError): HttpError {
  return new HttpError(STATUS_BY_CODE[e.code] ?? 500, e.code, e.message, e.details.violations);
}

export function errorBody(e: HttpError): ErrorBody {
  return { error: e.code, message: e.message, ...(e.violations?.length ? { violations: e.violations } : {}) };
}
