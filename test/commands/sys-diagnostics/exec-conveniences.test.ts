// docker's letters and what a CI log needs: -e for --env, the timeout that was asked
// for in the message (and in --json), and 130/143 when the CLI itself is signalled.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectSchema, ROOT } from "../../helpers/cli.js";

describe("sandbox-exec conveniences", () => {
  const cli = new CliSandbox();
  before(() => cli.start("OpenShell", ["--timeout-ms", "700"]));
  after(() => {
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
  });

  it("-e is short for --env, repeatable, and checked the same way", () => {
    const r = cli.exec('echo "$A-$B"', ["-e", "A=1", "-e", "B=two"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal("1-two\n");
    const bad = cli.exec("true", ["-e", "1X=y"]);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/^Error: --env "1X=y": expected KEY=VALUE/);
  });

  it("a timeout names the timeout asked for, on stderr and as message in --json", () => {
    const r = cli.exec("while true; do :; done", ["--timeout-ms", "500"]);
    expect(r.status).to.equal(124);
    expect(r.stderr).to.include("sandbox-exec: timed out after 500 ms; the guest was stopped\n");
    const { status, doc } = cli.execJson("while true; do :; done", ["--timeout-ms", "500"]);
    expect(status).to.equal(124);
    expect(doc).to.include({ reason: "timeout", message: "timed out after 500 ms; the guest was stopped" });
  });

  it("without --timeout-ms the message names the instance's timeout", () => {
    const { doc } = cli.execJson("while true; do :; done");
    expectSchema("output/sys-diagnostics-sandbox-exec.json", doc);
    expect(doc.message).to.equal("timed out after 700 ms; the guest was stopped");
  });

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal} of the CLI during an exec exits ${code}, and the instance serves on`, async () => {
      const child = spawn(
        process.execPath,
        [join(ROOT, "bin", "run.js"), "sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--timeout-ms", "20000", "--cmd", "echo go; sleep 20"],
        { env: cli.env(), stdio: ["ignore", "pipe", "pipe"] },
      );
      await new Promise<void>((resolve) => child.stdout.on("data", (d) => String(d).includes("go") && resolve()));
      const exited = new Promise<[number | null, string | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
      child.kill(signal);
      expect(await exited, "exit status, signal").to.deep.equal([code, null]);
      const next = cli.exec("echo next", ["--timeout-ms", "10000"]);
      expect(next.stdout).to.equal("next\n");
    });
  }
});
