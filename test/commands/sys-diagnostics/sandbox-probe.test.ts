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
      expect(report.results.some((x: { category: string }) => x.category === cat), cat).to.equal(true);
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
    expect(r.stdout).to.match(/PROBE\s+CATEGORY\s+ATTEMPTED\s+EXPECTED\s+OBSERVED\s+VERDICT/);
    expect(r.stdout).to.match(/fs\.sh\.etc-passwd .* HELD/);
    expect(r.stdout).to.include("2/2 held");
    expect(r.stderr).to.include("sandbox-probe: fs.sh.etc-shadow: held");
  });

  it("--only is repeatable and matches categories; long texts are cut in the table, whole in --json", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--only", "network", "--only", "adm.reactor"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include("2/2 held");
    expect(r.stdout).to.match(/net\.sockets .*accept0=76 .*… +HELD/);
    for (const line of r.stdout.split("\n")) expect(line.length, line).to.be.below(400);
    const json = JSON.parse(cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--only", "net.*", "--json"]).stdout);
    expect(json.results[0].observed).to.match(/accept10=76 .*shutdown3=76/);
  });

  it("bad input: no matching probe (2), unknown enclave (125), bad policy (78)", () => {
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--only", "nope.*"]), 2, /no probe id or category matches/);
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "Nope"]), 125, /unknown enclave/);
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--policy", "/nonexistent.yaml"]), 78, /cannot read/);
  });
});
