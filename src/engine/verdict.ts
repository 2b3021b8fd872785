// Turns an exec's outcome into the CLI's exit status, and guest-derived text into lines
// that cannot pass for engine lines.
//
// The exit-status rule, in order (the first that applies wins; --json lists all):
//   1. any violation recorded                    -> 77, whatever else happened (the
//      boundary was touched: the verdict CI asks for);
//   2. the guest ran past its timeout            -> 124;
//   3. the guest trapped                         -> 134;
//   4. the engine stopped the guest              -> 137;
//   5. the engine failed under it, or the guest's status is unknown -> 125;
//   6. the guest's own status, when it is 0..255 and not one of the statuses above,
//      which only the engine gives; any other status -> 1 (guestExitCode keeps it).
import { ExitCode } from "./exit-codes.js";
import type { ExecResponseBody } from "./protocol/messages.js";

/** Statuses that are verdicts of the engine: a guest exiting with one of them itself
 *  must not pass for a denial, a timeout or a trap. */
export const VERDICT_EXIT_CODES: readonly number[] = [ExitCode.POLICY_DENIED, ExitCode.TIMEOUT, ExitCode.ENGINE_FAILURE, ExitCode.TRAPPED, ExitCode.KILLED];

export function execExitCode(body: Pick<ExecResponseBody, "violations" | "reason" | "guestExitCode">): number {
  if (body.violations.length > 0) return ExitCode.POLICY_DENIED;
  if (body.reason === "timeout") return ExitCode.TIMEOUT;
  if (body.reason === "trapped") return ExitCode.TRAPPED;
  if (body.reason === "killed") return ExitCode.KILLED;
  if (body.reason === "failed" || body.guestExitCode === null) return ExitCode.ENGINE_FAILURE;
  return guestStatus(body.guestExitCode);
}

/** The guest's own status as a process exit status: passed through when it fits and is
 *  not an engine verdict, else 1 (a failure, never 0 and never a verdict). */
export function guestStatus(code: number): number {
  if (!Number.isInteger(code) || code < 0 || code > 255 || VERDICT_EXIT_CODES.includes(code)) return ExitCode.FAILURE;
  return code;
}

const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Guest-derived text for one line of engine output: C0 and C1 controls, DEL and the
 *  Unicode line/paragraph separators escaped, so it can neither start a line of its own
 *  nor drive the terminal. (Backslashes are already doubled in decoded guest paths.) */
export function escapeGuestText(text: string): string {
  return text.replace(
    /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g,
    (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`.replace(/^\\x(\w{3,})$/, "\\u$1"),
  );
}

export function violationLine(v: { operation: string; path: string; rule: string; decision: string; count?: number }): string {
  const what = v.decision === "trapped" ? "TRAPPED" : "DENIED";
  const target = v.path ? ` ${escapeGuestText(v.path)}` : "";
  const effect = v.operation.startsWith("sock_") ? "Capability not available" : v.operation.startsWith("fd_") ? "Bad file descriptor" : "Permission denied";
  return `${what} ${escapeGuestText(v.operation)}${target}: ${effect} (${escapeGuestText(v.rule)})${v.count ? ` x${v.count}` : ""}`;
}
