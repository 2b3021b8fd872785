// Typed engine failures. The engine never exits the process: commands map `code` (or
// an error's own `exit`, for the few that carry one) to an exit status in one place,
// src/cli/exit-codes.ts.

export type EngineErrorCode =
  | "ENCLAVE_UNKNOWN"
  | "ENCLAVE_RUNNING"
  | "ENCLAVE_BUSY"
  | "ENCLAVE_NOT_RUNNING"
  | "HOST_DEAD"
  | "HOST_UNREACHABLE"
  | "VERSION_MISMATCH"
  | "BOOT_FAILED"
  | "MODULE_REJECTED"
  | "MODULE_UNREADABLE"
  | "POLICY_INVALID"
  | "DEFINITION_INVALID"
  | "STATE_CORRUPT"
  | "PROTOCOL_ERROR"
  | "USAGE"
  | "AUTHORITY_KEY_EXISTS"
  | "AUTHORITY_KEY_MISSING"
  | "TOKEN_UNKNOWN"
  | "WORKDIR_DENIED"
  | "WORKDIR_MISSING"
  | "COPY_FAILED"
  | "COPY_TOO_LARGE"
  | "TAR_INVALID"
  | "INTERNAL";

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: { violations?: string[]; suggestions?: string[] } = {},
  ) {
    super(message);
    this.name = "EngineError";
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}
