// The exit-code contract, one table (printed in help and the README).
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  POLICY_DENIED: 77, // EX_NOPERM: the enclave's policy denied an operation
  CONFIG_INVALID: 78, // EX_CONFIG: invalid policy or configuration
  TIMEOUT: 124, // as GNU timeout
  ENGINE_FAILURE: 125, // as docker run: not running, boot failure, bad module, host unreachable
  CANNOT_EXECUTE: 126,
  NOT_FOUND: 127,
  TRAPPED: 134, // 128 + SIGABRT: the guest trapped (crashed) without a policy violation
  KILLED: 137, // 128 + SIGKILL: stopped by the engine (output limit, cancelled)
  SIGINT: 130, // 128 + SIGINT: the CLI was interrupted (Ctrl-C)
  SIGTERM: 143, // 128 + SIGTERM: the CLI was terminated (a cancelled CI job)
} as const;

export const EXIT_CODE_TABLE: [number, string][] = [
  [0, "success (the guest's own status when it ran to completion)"],
  [1, "generic failure (sandbox-probe: a probe breached or a control failed)"],
  [2, "command-line usage error"],
  [77, "the enclave's policy denied an operation (even if the guest then exited 0), or a -w DIR it does not grant"],
  [78, "invalid policy file or configuration"],
  [124, "the guest ran past its timeout and was stopped"],
  [125, "engine failure: enclave not running or unknown, boot failure, bad module, host unreachable, corrupt state"],
  [126, "found but cannot be executed (e.g. an unreadable --wasm file, a -w DIR that is not a directory in the enclave)"],
  [127, "not found (e.g. a missing --wasm file)"],
  [134, "the guest trapped (a WebAssembly trap: crash, unreachable) with no policy violation"],
  [137, "the guest was stopped by the engine (output limit exceeded or cancelled)"],
  [130, "the CLI was interrupted (SIGINT, Ctrl-C); an exec in flight is stopped"],
  [143, "the CLI was terminated (SIGTERM, a cancelled CI job); an exec in flight is stopped"],
];
