import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema } from "../../helpers/cli.js";

describe("sys-diagnostics sandbox-probe", () => {
  const cli = new CliSandbox();
  before(() => {
    cli.start("OpenShell");
    expect(cli.exec("echo mine > /workspace/keep").status).to.equal(0);
  });
  after(() => cli.cleanup());

  it("runs the whole catalogue: every probe held (exit 0), JSON report and JUnit file", () => {
    const junit = join(cli.stateDir, "probe.xml");
    const r = cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--json", "--junit", junit]);
    expect(r.status, r.stdout.slice(0, 3000)).to.equal(0);
    const report = JSON.parse(r.stdout);
    expectSchema("probe-report.schema.json", report);
    expect(report.results.length).to.be.at.least(45);
    expect(report.totals).to.deep.equal({ held: report.results.length, breached: 0, error: 0, total: report.results.length });
    expect(report.passed).to.equal(true);
    const ids = report.results.map((x: { id: string }) => x.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const cat of ["filesystem", "environment", "network", "resources", "admission", "canary", "control", "verdict"]) {
      expect(
        report.results.some((x: { category: string }) => x.category === cat),
        cat,
      ).to.equal(true);
    }
    const xml = readFileSync(junit, "utf8");
    expect(xml).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(xml.match(/<testcase /g)).to.have.length(report.results.length);
    expect(xml).to.include(`failures="0"`);
    expect(xml).to.include(report.canaryDigest);
  });

  it("left the running instance and its files alone", () => {
    expect(cli.exec("cat /workspace/keep").stdout).to.equal("mine\n");
    const list = JSON.parse(cli.run(["sys-diagnostics", "sandbox-list", "--json"]).stdout);
    expect(list.instances.map((i: { name: string }) => i.name)).to.deep.equal(["OpenShell"]);
  });

  it("--only selects probes by glob and prints a table", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--only", "fs.sh.etc-*"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^PROBE\s+CATEGORY\s+VERDICT\s+OBSERVED$/m);
    expect(r.stdout).to.match(/fs\.sh\.etc-passwd +filesystem +HELD +exit 77/);
    expect(r.stdout).to.include("2/2 held");
    expect(r.stderr).to.include("sandbox-probe: fs.sh.etc-shadow: held");
  });

  it("--only is repeatable and matches categories; long texts are cut in the table, whole in --json", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--only", "network", "--only", "adm.reactor"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include("2/2 held");
    expect(r.stdout).to.match(/net\.sockets +network +HELD +accept0=76 .*…$/m);
    for (const line of r.stdout.split("\n")) expect(line.length, line).to.be.at.most(120);
    const json = JSON.parse(cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--only", "net.*", "--json"]).stdout);
    expect(json.results[0].observed).to.match(/accept10=76 .*shutdown3=76/);
  });

  it("the table fits 120 columns and names errnos (EACCES), never 'errno 2'", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--only", "fs.raw.etc-passwd", "--only", "ctl.raw-write"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/fs\.raw\.etc-passwd +filesystem +HELD +EACCES; exit 77/);
    expect(r.stdout).to.match(/ctl\.raw-write +control +HELD +no error$/m);
    expect(r.stdout).not.to.match(/errno \d/);
    for (const line of r.stdout.split("\n")) expect(line.length, line).to.be.at.most(120);
  });

  it("--junit FILE that cannot be written is a usage error (2) before any probe runs", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--junit", join(cli.stateDir, "no-such-dir", "probe.xml")]);
    expectCleanError(r, 2, /^Error: --junit .*probe\.xml: cannot write \(ENOENT\)$/m);
    expect(r.stderr, "no probe ran").not.to.match(/sandbox-probe: \S+: (held|breached|error)/);
    expect(r.ms, "failed at once").to.be.below(15000);
  });

  it("bad input: no matching probe (2), unknown enclave (125), bad policy (78)", () => {
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--only", "nope.*"]), 2, /no probe id or category matches/);
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "Nope"]), 125, /unknown enclave/);
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--policy", "/nonexistent.yaml"]), 78, /cannot read/);
  });
});
