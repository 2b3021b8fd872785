// JUnit XML for CI systems (GitHub Actions, GitLab, Jenkins): one testcase per probe,
// a breach as a <failure> carrying the observed evidence, an error as an <error>.
import type { ProbeReport } from "./run-suite.js";

const esc = (s: string) =>
  s
    .replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

export function toJUnit(report: ProbeReport): string {
  const t = report.totals;
  const cases = report.results.map((r) => {
    const head = `    <testcase classname="coreason.sandbox-probe.${esc(r.category)}" name="${esc(r.id)}" time="${(r.durationMs / 1000).toFixed(3)}">`;
    const detail = `attempted: ${r.attempt}\nexpected: ${r.expected}\nobserved: ${r.observed}`;
    if (r.verdict === "breached")
      return `${head}\n      <failure message="${esc(`breached: ${r.observed}`)}" type="breach">${esc(detail)}</failure>\n    </testcase>`;
    if (r.verdict === "error") return `${head}\n      <error message="${esc(r.observed)}" type="error">${esc(detail)}</error>\n    </testcase>`;
    return `${head}\n      <system-out>${esc(detail)}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="coreason-server sandbox-probe" tests="${t.total}" failures="${t.breached}" errors="${t.error}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${esc(`sandbox-probe ${report.enclave}`)}" tests="${t.total}" failures="${t.breached}" errors="${t.error}" skipped="0" time="${(report.durationMs / 1000).toFixed(3)}">`,
    "    <properties>",
    `      <property name="engineVersion" value="${esc(report.engineVersion)}"/>`,
    `      <property name="policyDigest" value="${esc(report.policyDigest)}"/>`,
    `      <property name="canaryDigest" value="${esc(report.canaryDigest)}"/>`,
    "    </properties>",
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
