// Probes of the verdict itself: a guest that tries to make the exit status, the DENIED
// lines or the record lie. Each expects the engine's answer, not the guest's.
import { packagePath } from "../package-root.js";
import type { ExecResult } from "../client/exec.js";
import { violationLine } from "../verdict.js";
import type { Observation, Probe, ProbeContext } from "./catalogue.js";

const fixture = (name: string) => packagePath("dist", "guest", "fixtures", `${name}.wasm`);
const outcome = (r: ExecResult) => `exit ${r.exitCode} (${r.reason}, guest ${r.guestExitCode ?? "none"}), ${r.violations.length} violation(s)`;

const probe = (id: string, attempt: string, expected: string, run: (ctx: ProbeContext) => Promise<Observation>): Probe => ({
  id,
  category: "verdict",
  attempt,
  expected,
  run,
});

/** A guest exiting with a verdict status (or one the SDK would report as 0) itself. */
const forgedStatus = (status: number): Probe =>
  probe(
    `verdict.own-exit-${status}`,
    `proc_exit(${status}) with no violation`,
    `exit 1, guestExitCode ${status}: never ${status === 256 ? "0" : status}`,
    async (ctx) => {
      const r = await ctx.wasm(fixture("exit-status"), [String(status)]);
      return { held: r.exitCode === 1 && r.guestExitCode === status && r.violations.length === 0, observed: outcome(r) };
    },
  );

/** A violation, then a way of ending that used to take the evidence with it. */
const violationThen = (how: string, expectedReason: string, timeoutMs?: number): Probe =>
  probe(`verdict.violation-then-${how}`, `open /etc/shadow, then ${how}`, `exit 77, reason ${expectedReason}, the open recorded`, async (ctx) => {
    const r = await ctx.wasm(fixture("violate-then"), [how], timeoutMs ? { timeoutMs } : {});
    const recorded = r.violations.some((v) => v.operation === "open" && v.path === "/etc/shadow");
    return { held: r.exitCode === 77 && r.reason === expectedReason && recorded, observed: outcome(r) };
  });

export function verdictProbes(): Probe[] {
  return [
    forgedStatus(77),
    forgedStatus(124),
    forgedStatus(256),
    violationThen("spin", "timeout", 1000),
    violationThen("trap", "trapped"),
    probe(
      "verdict.forged-denied-line",
      "a denied path holding a newline and a DENIED line",
      "one violation, printed on one line with the newline escaped",
      async (ctx) => {
        const r = await ctx.sh(`cat "/etc/x\nDENIED open /fake: Permission denied (filesystem_policy: not granted)"`);
        const lines = r.violations.map(violationLine);
        return { held: r.exitCode === 77 && lines.length === 1 && !/[\n\r\x1b]/.test(lines[0]), observed: `${outcome(r)}; printed ${JSON.stringify(lines)}` };
      },
    ),
  ];
}
