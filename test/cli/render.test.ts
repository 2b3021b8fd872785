// Rendering decisions that need no enclave: progress mode, the probe table's width,
// errno names.
import { expect } from "chai";
import { progressMode } from "../../src/cli/render/progress-mode.js";
import { renderProbeReport, TABLE_COLUMNS } from "../../src/cli/render/probe-table.js";
import { errnoName } from "../../src/engine/probe/errno-names.js";
import { Errno } from "../../src/engine/rewrite/wasi-preview1.js";
import type { ProbeReport } from "../../src/engine/probe/run-suite.js";

describe("rendering", () => {
  it("listr2 tasks only on a terminal with columns; 0 columns falls back to plain lines", () => {
    expect(progressMode(false, { isTTY: true, columns: 120 })).to.equal("tty");
    expect(progressMode(false, { isTTY: true, columns: 0 })).to.equal("plain");
    expect(progressMode(false, { isTTY: true })).to.equal("plain");
    expect(progressMode(false, { isTTY: false, columns: 80 })).to.equal("plain");
    expect(progressMode(true, { isTTY: true, columns: 120 })).to.equal("silent");
  });

  it("names WASI errnos (EACCES is 2 in WASI, ENOENT 44, EPERM 63, ENOTCAPABLE 76)", () => {
    expect(errnoName(Errno.ACCES)).to.equal("EACCES");
    expect(errnoName(44)).to.equal("ENOENT");
    expect(errnoName(63)).to.equal("EPERM");
    expect(errnoName(Errno.NOTCAPABLE)).to.equal("ENOTCAPABLE");
    expect(errnoName(0)).to.equal("no error");
    expect(errnoName(78)).to.equal("errno 78");
    expect(errnoName(undefined)).to.equal("no result");
  });

  it("the probe table fits 120 columns however long the texts, and shows a failure in full below", () => {
    const long = "x".repeat(500);
    const report = {
      results: [
        { id: "fs.raw.a-rather-long-probe-id", category: "filesystem", attempt: long, expected: long, observed: long, verdict: "held", durationMs: 1 },
        { id: "ctl.echo", category: "control", attempt: "echo hello", expected: "hello", observed: `${long}\nsecond line`, verdict: "breached", durationMs: 1 },
      ],
      totals: { held: 1, breached: 1, error: 0, total: 2 },
      durationMs: 1234,
    } as unknown as ProbeReport;
    const text = renderProbeReport(report);
    const lines = text.split("\n");
    expect(lines[0]).to.match(/^PROBE\s+CATEGORY\s+VERDICT\s+OBSERVED$/);
    for (const l of lines.filter((x) => !x.startsWith("  "))) expect(l.length, l).to.be.at.most(TABLE_COLUMNS);
    expect(lines[1]).to.match(/^fs\.raw\.a-rather-long-probe-id +filesystem +HELD +x+…$/);
    expect(text).to.include(`\nctl.echo: BREACHED\n  attempted: echo hello\n  expected:  hello\n  observed:  ${long}\nsecond line`);
    expect(lines.at(-1)).to.equal("1/2 held, 1 breached, 0 errors in 1.2 s");
  });
});
