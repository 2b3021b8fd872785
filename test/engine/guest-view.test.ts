// The guest's view of the enclave end to end through the CLI: the standard devices in
// OpenShell, and a foreign --wasm module's working directory.
import { expect } from "chai";
import { CliSandbox } from "../helpers/cli.js";
import { guestFile } from "../helpers/guarded-sandbox.js";

describe("guest view (CLI): devices and the workdir", function () {
  const cli = new CliSandbox();
  before(() => cli.start());
  after(() => {
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
  });

  it("echo x > /dev/stderr prints x on stderr, exit 0", () => {
    const r = cli.exec("echo x > /dev/stderr");
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stderr).to.equal("x\n");
    expect(r.stdout).to.equal("");
  });

  it("head -c 16 /dev/urandom | wc -c prints 16; /dev/random and /dev/zero read", () => {
    const r = cli.exec("head -c 16 /dev/urandom | wc -c; head -c 8 /dev/random | wc -c; head -c 4 /dev/zero | od -c | head -n 1");
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout.split("\n").slice(0, 2)).to.deep.equal(["16", "8"]);
    expect(r.stdout).to.include("\\0");
  });

  it("ls /dev and ls /dev/fd show the devices; tee /dev/stderr and >> /dev/fd/2 reach stderr", () => {
    const r = cli.exec("ls /dev; ls /dev/fd; echo t | tee /dev/stderr >/dev/null; echo a >> /dev/fd/2");
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).to.include.members(["fd", "null", "random", "stderr", "stdin", "stdout", "urandom", "zero", "0", "1", "2"]);
    expect(r.stderr).to.equal("t\na\n");
  });

  it("absolute symlinks work from the shell: ln -s /workspace/a /workspace/la; cat /workspace/la", () => {
    const r = cli.exec(
      "echo linked > /workspace/a; ln -s /workspace/a /workspace/la; cat /workspace/la; mkdir -p /workspace/d; ln -s /tmp /workspace/d/t; echo via-tmp > /workspace/d/t/f; cat /tmp/f",
    );
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.equal("linked\nvia-tmp\n");
  });

  it("ln -s /workspace /workspace/.b; mv /workspace/.b/home /workspace/.b/gone leaves /workspace and /tmp working", () => {
    const r = cli.exec(
      "ln -s /workspace /workspace/.b; mv /workspace/.b/home /workspace/.b/gone; echo still > /workspace/s; cat /workspace/s; echo t > /tmp/s; cat /tmp/s",
    );
    expect(r.stdout, r.stderr).to.include("still\nt\n");
    const next = cli.exec("cat /workspace/s /tmp/s");
    expect(next.stdout).to.equal("still\nt\n");
  });

  it("cat /dev/sda is still denied (exit 77)", () => {
    const r = cli.exec("cat /dev/sda");
    expect(r.status).to.equal(77);
    expect(r.stdout).to.include("DENIED open /dev/sda");
  });

  it('a --wasm C program\'s fopen("data.txt", "w") writes /workspace/data.txt', () => {
    const w = cli.run([
      "sys-diagnostics",
      "sandbox-exec",
      "--enclave",
      "OpenShell",
      "--wasm",
      guestFile("probe.wasm"),
      "--",
      "libc-write",
      "data.txt",
      "from-wasm",
    ]);
    expect(w.status, w.stdout + w.stderr).to.equal(0);
    expect(JSON.parse(w.stdout.trim()).errno).to.equal(0);
    const r = cli.exec("cat /workspace/data.txt");
    expect(r.stdout).to.equal("from-wasm");
  });
});
