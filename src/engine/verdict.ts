// Turns an exec's outcome into the CLI's exit status. Never 0 when the guest's own
// status is unknown.
import { ExitCode } from "./exit-codes.js";
import type { ExecResponseBody } from "./protocol/messages.js";

export function execExitCode(body: ExecResponseBody): number {
  if (body.violations.length > 0) return ExitCode.POLICY_DENIED;
  if (body.reason === "timeout") return ExitCode.TIMEOUT;
  if (body.reason === "killed") return ExitCode.KILLED;
  if (body.reason === "trapped") return ExitCode.TRAPPED;
  if (body.guestExitCode === null) return ExitCode.ENGINE_FAILURE;
  return body.guestExitCode;
}

export function violationLine(v: { operation: string; path: string; rule: string; decision: string; count?: number }): string {
  const what = v.decision === "trapped" ? "TRAPPED" : "DENIED";
  const target = v.path ? ` ${v.path}` : "";
  const effect = v.operation.startsWith("sock_") ? "Capability not available" : v.operation.startsWith("fd_") ? "Bad file descriptor" : "Permission denied";
  return `${what} ${v.operation}${target}: ${effect} (${v.rule})${v.count ? ` x${v.count}` : ""}`;
}
