// sandbox-probe's table: one line per probe that fits a 120-column terminal. What was
// attempted and expected is in the catalogue (README, --json); the table shows what
// happened, cutting only the observation. A probe that did not hold is printed again in
// full below the table.
import type { ProbeReport } from "../../engine/probe/run-suite.js";
import { renderTable } from "./table.js";

export const TABLE_COLUMNS = 120;
const GAP = 2;

export function renderProbeReport(report: ProbeReport, columns = TABLE_COLUMNS): string {
  const header = ["PROBE", "CATEGORY", "VERDICT", "OBSERVED"];
  const rows = report.results.map((r) => [r.id, r.category, r.verdict.toUpperCase(), r.observed.replace(/\s*\n\s*/g, " ")]);
  const fixed = [0, 1, 2].reduce((sum, c) => sum + Math.max(header[c].length, ...rows.map((r) => r[c].length)) + GAP, 0);
  const out = [renderTable(header, rows, [Infinity, Infinity, Infinity, Math.max(20, columns - fixed)])];
  for (const r of report.results.filter((x) => x.verdict !== "held")) {
    out.push(`\n${r.id}: ${r.verdict.toUpperCase()}\n  attempted: ${r.attempt}\n  expected:  ${r.expected}\n  observed:  ${r.observed}`);
  }
  const t = report.totals;
  out.push(`\n${t.held}/${t.total} held, ${t.breached} breached, ${t.error} errors in ${(report.durationMs / 1000).toFixed(1)} s`);
  return out.join("\n");
}
