// EngineError codes -> exit statuses, in one place.
import { EngineError, EngineErrorCode } from "../engine/errors.js";
import { ExitCode, EXIT_CODE_TABLE } from "../engine/exit-codes.js";

const BY_CODE: Record<EngineErrorCode, number> = {
  ENCLAVE_UNKNOWN: ExitCode.ENGINE_FAILURE,
  ENCLAVE_RUNNING: ExitCode.ENGINE_FAILURE,
  ENCLAVE_BUSY: ExitCode.ENGINE_FAILURE,
  ENCLAVE_NOT_RUNNING: ExitCode.ENGINE_FAILURE,
  HOST_DEAD: ExitCode.ENGINE_FAILURE,
  HOST_UNREACHABLE: ExitCode.ENGINE_FAILURE,
  VERSION_MISMATCH: ExitCode.ENGINE_FAILURE,
  BOOT_FAILED: ExitCode.ENGINE_FAILURE,
  MODULE_REJECTED: ExitCode.ENGINE_FAILURE,
  MODULE_UNREADABLE: ExitCode.CANNOT_EXECUTE,
  POLICY_INVALID: ExitCode.CONFIG_INVALID,
  DEFINITION_INVALID: ExitCode.CONFIG_INVALID,
  STATE_CORRUPT: ExitCode.ENGINE_FAILURE,
  PROTOCOL_ERROR: ExitCode.ENGINE_FAILURE,
  USAGE: ExitCode.USAGE,
  AUTHORITY_KEY_EXISTS: ExitCode.FAILURE,
  AUTHORITY_KEY_MISSING: ExitCode.FAILURE,
  TOKEN_UNKNOWN: ExitCode.FAILURE,
  COPY_FAILED: ExitCode.FAILURE,
  COPY_TOO_LARGE: ExitCode.FAILURE,
  TAR_INVALID: ExitCode.FAILURE,
  INTERNAL: ExitCode.ENGINE_FAILURE,
};

export function exitFor(e: EngineError): number {
  return (e as EngineError & { exit?: number }).exit ?? BY_CODE[e.code] ?? ExitCode.ENGINE_FAILURE;
}

/** The EXIT CODES help section. */
export const EXIT_CODES_HELP = EXIT_CODE_TABLE.map(([c, d]) => `${String(c).padStart(3)}  ${d}`).join("\n");
