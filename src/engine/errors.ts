// Typed engine failures. The engine never exits the process: each adapter maps `code`
// through its one exhaustive table (exit statuses in src/cli/exit-codes.ts, HTTP
// statuses in src/serve/http-error.ts); a distinct outcome gets a distinct code.

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
  | "MODULE_NOT_FOUND"
  | "POLICY_INVALID"
  | "DEFINITION_INVALID"
  | "STATE_CORRUPT"
  | "PROTOCOL_ERROR"
  | "USAGE"
  | "AUTHORITY_KEY_EXISTS"
  | "AUTHORITY_KEY_MISSING"
  | "TOKEN_UNKNOWN"
  | "AUTHORITY_UNREADABLE"
  | "AUTHORITY_CORRUPT"
  | "WORKDIR_DENIED"
  | "WORKDIR_MISSING"
  | "COPY_FAILED"
  | "COPY_TOO_LARGE"
  | "TAR_INVALID"
  | "COPY_TIMEOUT"
  | "COPY_STOPPED"
  | "INTERNAL";

/** A step a hint suggests, named by what it does: each adapter spells it (the CLI as a
 *  command line to paste), so engine messages name no interface. */
export type Action = { do: "start"; definition: string; name?: string } | { do: "stop"; name: string } | { do: "list" } | { do: "definitions" };

/** A hint: plain text, or text with the actions it suggests. */
export type Hint = string | readonly (string | Action)[];

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: { violations?: string[]; suggestions?: Hint[] } = {},
  ) {
    super(message);
    this.name = "EngineError";
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}
