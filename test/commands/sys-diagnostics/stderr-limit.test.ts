// Issue 10, "every resource is bounded": output the shell sends to stderr (>&2, 2>&1,
// exec 2>&1) reaches the engine as it is written, so the output limit stops a flood on
// any stream. Before, the shell buffered such output in a temp file inside the enclave
// until the command ended: the flood grew to the host-memory cap and /workspace was reset.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox } from "../../helpers/cli.js";

const LIMIT = 1024 * 1024;

describe("sandbox-exec: the output limit holds for stderr written by the shell", function () {
  this.timeout(120000);
  const cli = new CliSandbox();
  before(() => {
    const policy = join(cli.stateDir, "policy.yaml");
    writeFileSync(
      policy,
      [
        "version: 1",
        "filesystem_policy:",
        "  include_workdir: true",
        "  read_only: [/bin, /usr, /etc/os-release, /etc/hostname]",
        "  read_write: [/workspace, /tmp, /dev/null]",
        "limits:",
        `  output_bytes: ${LIMIT}`,
        "",
      ].join("\n"),
    );
    cli.start("OpenShell", ["--policy", policy, "--memory-pages", "256"]);
    expect(cli.exec("echo precious > /workspace/kept").status).to.equal(0);
  });
  after(() => cli.cleanup());

  const floods: [string, string][] = [
    ["a utility's stdout sent to stderr (>&2)", "seq 1 100000000 >&2"],
    ["a whole group sent to stderr ({ ...; } 1>&2)", "{ seq 1 100000000; echo never; } 1>&2"],
    ["every later command sent to stderr (exec 1>&2)", "exec 1>&2; seq 1 100000000"],
    ["a descriptor saved from stderr (exec 3>&2, then >&3)", "exec 3>&2; seq 1 100000000 >&3"],
  ];
  for (const [what, cmd] of floods) {
    it(`${what}: stopped at the limit, truncated, /workspace intact`, () => {
      const r = cli.exec(cmd, ["--json", "--timeout-ms", "60000"]);
      const doc = JSON.parse(r.stdout);
      expect(doc.truncated, JSON.stringify({ ...doc, stdout: doc.stdout.length, stderr: doc.stderr.length })).to.equal(true);
      expect(doc.memoryExceeded).to.equal(undefined);
      expect(doc.stdout.length + doc.stderr.length).to.be.at.most(LIMIT);
      expect(doc.stderr.length, "the flood went to stderr").to.be.greaterThan(LIMIT / 2);
      expect(doc.stderr.startsWith("1\n2\n3\n")).to.equal(true);
      expect(r.status).to.equal(137);
      const kept = cli.exec("cat /workspace/kept");
      expect(kept.stdout, kept.stderr).to.equal("precious\n");
    });
  }

  it("control: output below the limit on stderr arrives whole, in order, with the guest's status", () => {
    const r = cli.exec("seq 1 3 >&2; echo out; { echo a; echo b >&2; } 2>&1; exit 3", ["--json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc).to.include({ stdout: "out\na\nb\n", stderr: "1\n2\n3\n", truncated: false, exitCode: 3 });
  });
});
