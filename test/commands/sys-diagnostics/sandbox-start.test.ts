import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema } from "../../helpers/cli.js";

describe("sys-diagnostics sandbox-start / sandbox-stop", () => {
  const cli = new CliSandbox();
  after(() => cli.cleanup());

  it("boots OpenShell with a memory cap and reports it as JSON", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--memory-pages", "128", "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/sys-diagnostics-sandbox-start.json", doc);
    expect(doc).to.include({ enclave: "OpenShell", definition: "OpenShell", memoryPages: 128 });
  });

  it("prints plain progress lines when not on a TTY", () => {
    // (the instance from the previous test is running: this start must refuse)
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell"]);
    expectCleanError(r, 125, /already running/);
    expect(r.stderr).to.include("sandbox-start: validate definition: ok");
  });

  it("lists the running instance", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-list", "--json"]);
    expect(r.status).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/sys-diagnostics-sandbox-list.json", doc);
    expect(doc.instances).to.have.length(1);
    expect(doc.instances[0]).to.include({ name: "OpenShell", definition: "OpenShell", memoryPages: 128, status: "running", execCount: 0 });
  });

  it("stops it and removes its state; a second stop says it is not running (125)", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell", "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    expectSchema("output/sys-diagnostics-sandbox-stop.json", JSON.parse(r.stdout));
    expect(JSON.parse(cli.run(["sys-diagnostics", "sandbox-list", "--json"]).stdout).instances).to.deep.equal([]);
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]), 125, /not running/);
  });

  it("an unknown enclave lists the known ones (125)", () => {
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "Nope"]), 125, /unknown enclave 'Nope'; known enclaves: OpenShell/);
  });

  it("an unknown enclave in --json gives the error document", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "Nope", "--json"]);
    expect(r.status).to.equal(125);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/error.json", doc);
    expect(doc.error).to.include({ code: "ENCLAVE_UNKNOWN", exit: 125 });
  });

  for (const [value, why] of [
    ["0", /greater than or equal to 1/],
    ["abc", /Expected an integer/],
    ["70000", /less than or equal to 65536/],
    ["-5", /greater than or equal to 1|Expected/],
  ] as const) {
    it(`--memory-pages ${value} is a usage error (2)`, () => {
      expectCleanError(cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--memory-pages", value]), 2, why);
    });
  }

  it("a missing --enclave and an unknown flag are usage errors (2)", () => {
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-start"]), 2, /Exactly one of the following must be provided: --definition, --enclave/);
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--bogus"]), 2, /Nonexistent flag: --bogus/);
  });

  it("an invalid --policy lists every problem with its pointer (78) and starts nothing", () => {
    const file = join(cli.stateDir, "bad-policy.yaml");
    writeFileSync(file, "version: 1\nfilesystem_policy:\n  read_write: [/]\n  read_only: [relative/path, /a/../b]\n");
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--policy", file]);
    expectCleanError(r, 78, /\/filesystem_policy\/read_write\/0: must not be "\/"/);
    expect(r.stderr).to.include("/filesystem_policy/read_only/0: must be an absolute path");
    expect(r.stderr).to.include("/filesystem_policy/read_only/1: must not contain '..'");
    expect(JSON.parse(cli.run(["sys-diagnostics", "sandbox-list", "--json"]).stdout).instances).to.deep.equal([]);
  });

  it("an unusable state directory is a clear error (125), not a hang", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell"], { env: { COREASON_STATE_DIR: "/proc/coreason-nope" }, timeoutMs: 60000 });
    expectCleanError(r, 125, /cannot create state directory \/proc\/coreason-nope/);
  });

  it("a missing --policy file is a configuration error (78)", () => {
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--policy", "/nonexistent/p.yaml"]), 78, /cannot read: ENOENT/);
  });

  it("a policy whose limit is below the module's initial memory is refused naming both numbers (125)", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--memory-pages", "2"]);
    expectCleanError(r, 125, /needs \d+ initial memory pages, more than the cap of 2 pages/);
  });
});

describe("sys-diagnostics sandbox-start: concurrent starts and stops", () => {
  const cli = new CliSandbox();
  after(() => cli.cleanup());
  const start = () => cli.runAsync(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--json"]);

  it("three starts at once: one boots, the others say it is already running, one host runs", async () => {
    const runs = await Promise.all([start(), start(), start()]);
    expect(runs.map((r) => r.status).sort()).to.deep.equal([0, 125, 125]);
    for (const r of runs.filter((x) => x.status)) expect(JSON.parse(r.stdout).error).to.include({ code: "ENCLAVE_RUNNING" });
    const list = JSON.parse(cli.run(["sys-diagnostics", "sandbox-list", "--json"]).stdout);
    expect(list.instances.map((i: { status: string }) => i.status)).to.deep.equal(["running"]);
    expect(list.instances[0].pid).to.equal(JSON.parse(runs.find((r) => r.status === 0)!.stdout).pid);
    expect(cli.exec("echo works").stdout).to.equal("works\n");
  });

  it("two stops at once: one stops it, the other says it is not running", async () => {
    const stop = () => cli.runAsync(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    const runs = await Promise.all([stop(), stop()]);
    expect(runs.map((r) => r.status).sort()).to.deep.equal([0, 125]);
  });

  it("a lock left by a process that died is taken over", () => {
    mkdirSync(join(cli.stateDir, "locks"), { recursive: true });
    writeFileSync(join(cli.stateDir, "locks", "OpenShell.lock"), "999999999");
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(existsSync(join(cli.stateDir, "locks", "OpenShell.lock")), "released after the start").to.equal(false);
  });

  it("a stop during an exec: the running exec is stopped (137) and a queued one refused (125), both say so, nothing hangs", async () => {
    const running = cli.runAsync(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "echo started; sleep 5; echo never"]);
    await new Promise((r) => setTimeout(r, 1200));
    const queued = cli.runAsync(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "echo queued"]);
    await new Promise((r) => setTimeout(r, 300));
    expect(cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]).status).to.equal(0);
    const [r, q] = await Promise.all([running, queued]);
    expect(r.stdout).to.equal("started\n");
    expectCleanError(r, 137, /^sandbox-exec: enclave OpenShell was stopped while this exec ran$/m);
    expectCleanError(q, 125, /shutting down|not running/);
  });
});
