// Every probe can fail: against a weakened enclave the right probes report "breached".
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { runProbeSuite, runProbeSuiteUnguardedForTests, ProbeReport } from "../../src/engine/probe/run-suite.js";
import { catalogue } from "../../src/engine/probe/catalogue.js";
import { toJUnit } from "../../src/engine/probe/junit.js";

const verdicts = (r: ProbeReport) => Object.fromEntries(r.results.map((x) => [x.id, x.verdict]));

describe("probe suite self-test: weakened enclaves are caught", () => {
  const state = mkdtempSync(join(tmpdir(), "coreason-probe-"));
  let saved: string | undefined;
  before(() => {
    saved = process.env.COREASON_STATE_DIR;
    process.env.COREASON_STATE_DIR = state;
  });
  after(() => {
    if (saved === undefined) delete process.env.COREASON_STATE_DIR;
    else process.env.COREASON_STATE_DIR = saved;
    rmSync(state, { recursive: true, force: true });
  });

  it("the catalogue has at least 45 probes with stable, unique ids", () => {
    const ids = catalogue().map((p) => p.id);
    expect(ids.length).to.be.at.least(45);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it("with enforcement switched off (test hook), every enforcement probe breaches and controls still pass", async () => {
    const report = await runProbeSuiteUnguardedForTests({ enclave: "OpenShell", only: "*" });
    const v = verdicts(report);
    for (const id of [
      "fs.sh.etc-passwd",
      "fs.sh.write-bin",
      "fs.sh.ls-root",
      "fs.raw.etc-passwd",
      "fs.raw.fd3-dotdot",
      "fs.raw.fd4-escape",
      "fs.raw.write-ro",
      "fs.raw.hardlink-ro",
      "fs.raw.rename-out",
      "fs.raw.readdir-root",
      "fs.raw.renumber",
      "net.sockets",
      "verdict.own-exit-256",
      "verdict.violation-then-spin",
      "verdict.violation-then-trap",
      "verdict.forged-denied-line",
    ]) {
      expect(v[id], id).to.equal("breached");
    }
    for (const id of ["ctl.echo", "ctl.workspace-rw", "ctl.read-only-file", "ctl.own-exit", "env.host-canary", "adm.unknown-import"])
      expect(v[id], id).to.equal("held");
    expect(report.passed).to.equal(false);
    const xml = toJUnit(report);
    expect(xml.match(/<failure /g)?.length).to.equal(report.totals.breached);
  });

  it("with a policy that grants / read-only, reads of host paths breach but writes still hold", async () => {
    const report = await runProbeSuite({
      enclave: "OpenShell",
      only: "fs.*",
      policy: { version: 1, filesystem_policy: { read_only: ["/"], read_write: ["/workspace", "/tmp"] }, network: { mode: "disabled" }, on_violation: "deny" },
    });
    const v = verdicts(report);
    for (const id of ["fs.sh.etc-passwd", "fs.sh.ls-root", "fs.raw.etc-passwd", "fs.raw.readdir-root"]) expect(v[id], id).to.equal("breached");
    for (const id of ["fs.sh.write-bin", "fs.raw.write-ro", "fs.raw.mkdir-ro", "fs.raw.fd4-escape"]) expect(v[id], id).to.equal("held");
  });
});
