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
  MODULE_NOT_FOUND: ExitCode.NOT_FOUND,
  POLICY_INVALID: ExitCode.CONFIG_INVALID,
  DEFINITION_INVALID: ExitCode.CONFIG_INVALID,
  STATE_CORRUPT: ExitCode.ENGINE_FAILURE,
  PROTOCOL_ERROR: ExitCode.ENGINE_FAILURE,
  USAGE: ExitCode.USAGE,
  AUTHORITY_KEY_EXISTS: ExitCode.FAILURE,
  AUTHORITY_KEY_MISSING: ExitCode.FAILURE,
  TOKEN_UNKNOWN: ExitCode.FAILURE,
  AUTHORITY_UNREADABLE: ExitCode.FAILURE,
  AUTHORITY_CORRUPT: ExitCode.CONFIG_INVALID,
  COPY_FAILED: ExitCode.FAILURE,
  COPY_TOO_LARGE: ExitCode.FAILURE,
  TAR_INVALID: ExitCode.FAILURE,
  // the copy's guest helper was stopped by the engine (its timeout, or a trap or kill)
  COPY_TIMEOUT: ExitCode.TIMEOUT,
  COPY_STOPPED: ExitCode.ENGINE_FAILURE,
  INTERNAL: ExitCode.ENGINE_FAILURE,
  // -w DIR: not granted by the policy (a denial); not a directory in the enclave (docker exec -w: 126)
  WORKDIR_DENIED: ExitCode.POLICY_DENIED,
  WORKDIR_MISSING: ExitCode.CANNOT_EXECUTE,
};

export function exitFor(e: EngineError): number {
  return BY_CODE[e.code] ?? ExitCode.ENGINE_FAILURE;
}

/** A command's exit statuses, as its help's EXIT CODES section lists them. */
export type ExitCodeTable = readonly (readonly [number, string])[];

/** Every command's, unless it declares its own (`static exitCodes`). */
export const DEFAULT_EXIT_CODES: ExitCodeTable = EXIT_CODE_TABLE;

/** The breach catalogue's: its verdict, not a guest's. */
export const PROBE_EXIT_CODES: ExitCodeTable = [
  [0, "every probe held and every control passed"],
  [1, "a probe breached or a control failed"],
  [2, "usage error"],
  [78, "invalid --policy"],
  [125, "the engine itself failed (boot, or a probe could not run)"],
];
