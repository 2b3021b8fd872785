import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { spawn } from "node:child_process";
import { CliSandbox, expectCleanError, expectSchema, ROOT } from "../../helpers/cli.js";
import { cpuSecondsDuring } from "../../helpers/proc.js";

const record = (cli: CliSandbox) => JSON.parse(readFileSync(join(cli.stateDir, "instances", "OpenShell", "instance.json"), "utf8"));

describe("reliability: runaway guests, dead hosts, concurrency, corrupt state", () => {
  const cli = new CliSandbox();
  before(() => cli.start("OpenShell", ["--memory-pages", "256"]));
  after(() => cli.cleanup());

  // The SDK's first timer wait (poll_oneoff) of a package often never returns: a sleep
  // built on it would hang here about half the time (see sleep.c).
  it("sleep wakes on time as the first exec of a new instance", () => {
    const first = cli.exec("sleep 0.2; echo woke", ["--timeout-ms", "5000"]);
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.equal("woke\n");
  });

  it("a guest looping forever is stopped at its timeout (124), files survive, and CPU goes back to idle", async () => {
    expect(cli.exec("echo kept > /workspace/kept").status).to.equal(0);
    const r = cli.exec("while true; do :; done", ["--timeout-ms", "1000"]);
    expect(r.status).to.equal(124);
    expect(r.ms).to.be.below(1000 + 250 + 2000); // timeout + the 250 ms grace, plus CLI start-up
    expect(r.stderr).to.match(/timed out after \d+ ms/);
    // The next exec waits for the recycled worker, then finds the files.
    const next = cli.exec("cat /workspace/kept");
    expect(next.status).to.equal(0);
    expect(next.stdout).to.equal("kept\n");
    expect(cli.exec("sleep 0.1; echo woke", ["--timeout-ms", "5000"]).stdout, "a sleep in the recycled worker").to.equal("woke\n");
    const cpu = await cpuSecondsDuring(record(cli).pid, 2000);
    expect(cpu, "CPU seconds used by the idle instance in 2 s").to.be.below(0.5);
  });

  it("a worker killed under an exec: that exec fails (125), and the next one says /workspace was lost", async () => {
    expect(cli.exec("echo precious > /workspace/p").status).to.equal(0);
    const running = cli.runAsync(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "sleep 3; echo never", "--timeout-ms", "20000"]);
    await new Promise((r) => setTimeout(r, 1000));
    // the worker is a thread of the host: SIGUSR2 makes the host crash it
    process.kill(record(cli).pid, "SIGUSR2");
    const failed = await running;
    expectCleanError(failed, 125, /enclave worker failed during exec: .*the instance was restarted/);
    const next = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "ls /workspace", "--json"]);
    expect(next.status, next.stderr).to.equal(0);
    const doc = JSON.parse(next.stdout);
    expect(doc.stdout).to.equal("");
    expect(doc.notice).to.match(/^the enclave restarted at \S+ \(worker failed: .*\); \/workspace was lost with the worker and is empty now$/);
    const after = cli.exec("true");
    expect(after.status).to.equal(0);
    expect(after.stderr, "the notice is said once").to.equal("");
  });

  it("interrupting the CLI (Ctrl-C) stops its guest: the next exec does not wait, the guest wrote nothing more", async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, "bin", "run.js"), "sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "echo go; sleep 20; echo late > /workspace/late"],
      { env: cli.env(), stdio: ["ignore", "pipe", "pipe"] },
    );
    await new Promise<void>((resolve) => child.stdout.on("data", (d) => String(d).includes("go") && resolve()));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).to.not.equal(0);
    const next = cli.exec("ls /workspace/late; echo next", ["--timeout-ms", "10000"]);
    expect(next.stdout).to.equal("next\n");
    expect(next.ms, "the next exec waited for the interrupted guest").to.be.below(8000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(cli.exec("ls /workspace/late").status, "the interrupted guest went on").to.not.equal(0);
  });

  it("a shell that runs out of its memory cap says so and traps (134), in one line, and the instance serves on", () => {
    const r = cli.exec("x=$(seq 3000000); echo ${#x}");
    expect(r.status).to.equal(134);
    expect(r.stderr).to.equal("sh: out of memory\nsandbox-exec: the guest trapped: unreachable\n");
    expect(cli.exec("echo still serving").stdout).to.equal("still serving\n");
  });

  it("a violation flood: identical ones counted, at most 100 kinds listed, the rest counted; the result still arrives", () => {
    const flood =
      "i=0; while [ $i -lt 3000 ]; do cat /etc/passwd 2>/dev/null; i=$((i+1)); done; for i in $(seq 150); do cat /etc/f$i 2>/dev/null; done; echo done";
    const r = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", flood, "--json"]);
    expect(r.status, r.stderr).to.equal(77);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/sys-diagnostics-sandbox-exec.json", doc);
    expect(doc.stdout).to.equal("done\n");
    expect(doc.violations).to.have.length(100);
    expect(doc.violations[0]).to.deep.equal({
      operation: "open",
      path: "/etc/passwd",
      rule: "filesystem_policy: not granted",
      decision: "denied",
      count: 3000,
    });
    expect(doc.violationsDropped).to.equal(51);
    const audit = JSON.parse(cli.run(["sys-diagnostics", "sandbox-audit", "--enclave", "OpenShell", "--json"]).stdout).records;
    const mine = audit.filter((a: { exec: number }) => a.exec === audit.at(-1).exec);
    expect(mine).to.have.length(101);
    expect(mine[0]).to.include({ path: "/etc/passwd", count: 3000 });
    expect(mine.at(-1)).to.include({ operation: "other", count: 51 });
    const text = cli.exec(flood);
    expect(text.stdout).to.include("DENIED open /etc/passwd: Permission denied (filesystem_policy: not granted) x3000\n");
    expect(text.stdout).to.match(/\.\.\. and 51 more violations of other kinds \(counted, not listed\)\n$/);
  });

  it("a guest that floods stdout is truncated at the output limit and stopped (137)", () => {
    const probe = join(ROOT, "dist", "guest", "probe.wasm");
    const r = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--wasm", probe, "--", "flood-stdout", String(64 * 1024 * 1024)]);
    expect(r.status).to.equal(137);
    expect(r.stdout.length).to.equal(16 * 1024 * 1024);
    expect(r.stderr).to.include("output exceeded the limit of 16777216 bytes; the guest was stopped");
    expect(cli.exec("echo still-serving").stdout).to.equal("still-serving\n");
  });

  it("8 concurrent execs all complete with correct, unmixed output", async () => {
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        cli.runAsync([
          "sys-diagnostics",
          "sandbox-exec",
          "--enclave",
          "OpenShell",
          "--cmd",
          `echo start-${i}; echo ${i} > /workspace/c${i}; cat /workspace/c${i}; echo end-${i}`,
        ]),
      ),
    );
    runs.forEach((r, i) => {
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(`start-${i}\n${i}\nend-${i}\n`);
    });
  });

  it("a corrupt instance.json is reported (125) and sandbox-start recovers from it", () => {
    const file = join(cli.stateDir, "instances", "OpenShell", "instance.json");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, "{ not json");
    expectCleanError(cli.exec("true"), 125, /instance\.json is corrupt \(not valid JSON\)/);
    const list = cli.run(["sys-diagnostics", "sandbox-list", "--json"]);
    expect(list.status).to.equal(125);
    // its host still runs: listed with its real pid (host-lifecycle.test.ts covers the rest)
    expect(JSON.parse(list.stdout).instances[0]).to.include({ name: "OpenShell", pid: JSON.parse(good).pid, status: "unreachable" });
    writeFileSync(file, JSON.stringify({ ...JSON.parse(good), pid: "x" }));
    expectCleanError(cli.exec("true"), 125, /corrupt \(\/pid: must be integer\)/);
    writeFileSync(file, good);
    expect(cli.exec("true").status).to.equal(0);
  });

  it("kill -9 of the host: exec and list report it (125), start recovers without manual cleanup", () => {
    const { pid } = record(cli);
    process.kill(pid, "SIGKILL");
    expectCleanError(cli.exec("true"), 125, /enclave OpenShell is not running: its host process \(pid \d+\) is no longer running/);
    const list = cli.run(["sys-diagnostics", "sandbox-list", "--json"]);
    expect(list.status).to.equal(125);
    expect(JSON.parse(list.stdout).instances[0]).to.include({ name: "OpenShell", status: "dead" });
    const again = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--json"]);
    expect(again.status, again.stderr).to.equal(0);
    expect(JSON.parse(again.stdout).recovered).to.match(/was stale: its host process \(pid \d+\) is no longer running/);
    expect(cli.exec("echo alive").stdout).to.equal("alive\n");
  });
});
