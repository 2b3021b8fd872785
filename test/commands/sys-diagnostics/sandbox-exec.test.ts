import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, ROOT } from "../../helpers/cli.js";

const fixture = (name: string) => join(ROOT, "dist", "guest", "fixtures", `${name}.wasm`);

describe("sys-diagnostics sandbox-exec", () => {
  const cli = new CliSandbox();
  before(() => cli.start("OpenShell", ["--memory-pages", "128"]));
  after(() => cli.cleanup());

  it("files written by one exec are read by the next (the CI path)", () => {
    const w = cli.exec("echo hello > /workspace/f");
    expect(w.status, w.stderr).to.equal(0);
    expect(w.stdout).to.equal("");
    const r = cli.exec("cat /workspace/f");
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal("hello\n");
  });

  it("/tmp persists between execs as well", () => {
    expect(cli.exec("echo t1 > /tmp/t; echo t2 >> /tmp/t").status).to.equal(0);
    expect(cli.exec("cat /tmp/t").stdout).to.equal("t1\nt2\n");
  });

  it("passes the guest's exit status through", () => {
    expect(cli.exec("exit 3").status).to.equal(3);
    expect(cli.exec("true && exit 0").status).to.equal(0);
    expect(cli.exec("false").status).to.equal(1);
    expect(cli.exec("nosuchcommand").status).to.equal(127);
  });

  it("the seed case: cat /etc/passwd is denied by the engine, on stdout, exit 77", () => {
    const r = cli.exec("cat /etc/passwd");
    expect(r.status).to.equal(77);
    expect(r.stdout).to.equal("DENIED open /etc/passwd: Permission denied (filesystem_policy: not granted)\n");
    expect(r.stderr).to.equal("cat: /etc/passwd: Permission denied\nsandbox-exec: policy violations: the last line of stdout (exit 77)\n");
  });

  it("--json carries the outcome and the violations", () => {
    const { status, doc } = cli.execJson("cat /etc/passwd; echo after");
    expect(status).to.equal(77);
    expect(doc).to.include({ enclave: "OpenShell", exitCode: 77, guestExitCode: 0, reason: "denied", stdout: "after\n" });
    expect(doc.violations).to.deep.equal([{ operation: "open", path: "/etc/passwd", rule: "filesystem_policy: not granted", decision: "denied" }]);
    const ok = cli.execJson("echo fine");
    expect(ok.doc).to.include({ exitCode: 0, guestExitCode: 0, reason: "exited", stdout: "fine\n", stderr: "" });
    expect(ok.doc.violations).to.deep.equal([]);
  });

  it("-i connects host stdin; without it the guest's stdin is empty", () => {
    const r = cli.exec("wc -l", ["-i"], { input: "a\nb\n" });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal("2");
    const closed = cli.exec("cat; echo done", [], { input: "ignored\n" });
    expect(closed.stdout).to.equal("done\n");
  });

  it("the guest sees only the enclave's environment plus --env, never the host's", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "env | sort", "--env", "FOO=bar baz", "--env", "EMPTY="], {
      env: { COREASON_CANARY: "host-secret-7731" },
    });
    expect(r.status, r.stderr).to.equal(0);
    // PWD is the shell's own, as in dash
    expect(r.stdout).to.equal("EMPTY=\nFOO=bar baz\nHOME=/workspace\nPATH=/bin\nPWD=/workspace\nUSER=sandbox\n");
  });

  it("runs a foreign WASI module with --wasm and its arguments", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--wasm", fixture("hello")]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal("fixture ok\n");
    const cat = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--wasm", fixture("cat-file"), "--", "/workspace/f"]);
    expect(cat.stdout).to.equal("hello\n");
  });

  it("a foreign module gets the same policy: cat-file /etc/passwd is denied (77)", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--wasm", fixture("cat-file"), "--", "/etc/passwd"]);
    expect(r.status).to.equal(77);
    expect(r.stdout).to.include("DENIED open /etc/passwd: Permission denied");
    expect(r.stderr).to.include("Permission denied");
  });

  describe("bad input: one clear line, the documented code, no stack trace", () => {
    const bad = (name: string, bytes: Uint8Array | string) => {
      const file = join(cli.stateDir, name);
      writeFileSync(file, bytes);
      return file;
    };
    const wasm = (file: string) => cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--wasm", file]);

    it("empty --cmd (2)", () => expectCleanError(cli.exec(""), 2, /--cmd must not be empty/));
    it("--cmd and --wasm together (2)", () =>
      expectCleanError(
        cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "x", "--wasm", "y"]),
        2,
        /cannot also be provided|exactly one/i,
      ));
    it("neither --cmd nor --wasm nor -it (2)", () =>
      expectCleanError(cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell"]), 2, /give --cmd SCRIPT or --wasm FILE, or -it/));
    it("a malformed --env (2)", () => expectCleanError(cli.exec("true", ["--env", "NOEQUALS"]), 2, /expected KEY=VALUE/));
    it("--timeout-ms 0 (2)", () => expectCleanError(cli.exec("true", ["--timeout-ms", "0"]), 2, /greater than or equal to 1/));
    it("an instance that is not running (125)", () =>
      expectCleanError(cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "Other", "--cmd", "true"]), 125, /enclave Other is not running/));
    it("a path-like enclave name (2)", () =>
      expectCleanError(cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "../x", "--cmd", "true"]), 2, /invalid enclave name/));
    it("a missing --wasm file (127)", () => expectCleanError(wasm("/nonexistent/x.wasm"), 127, /no such file/));
    it("a directory as --wasm file (126)", () => {
      const dir = join(cli.stateDir, "adir");
      mkdirSync(dir, { recursive: true });
      expectCleanError(wasm(dir), 126, /is a directory/);
    });
    it("bad magic bytes (125)", () => expectCleanError(wasm(bad("text.wasm", "#!/bin/sh\necho hi\n")), 125, /not a WebAssembly module \(bad magic bytes\)/));
    it("truncated bytes (125)", () =>
      expectCleanError(wasm(bad("trunc.wasm", new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5]))), 125, /invalid WebAssembly module/));
    it("a reactor without _start (125)", () => expectCleanError(wasm(fixture("reactor")), 125, /no _start function/));
    it("an unknown import, named (125)", () => expectCleanError(wasm(fixture("unknown-import")), 125, /imports evil\.escape: unknown namespace evil/));
    it("a WASIX import (125)", () => expectCleanError(wasm(fixture("wasix-import")), 125, /imports wasix_32v1\.proc_fork: WASIX calls/));
    it("shared memory (125)", () => expectCleanError(wasm(fixture("shared-memory")), 125, /shared memory/));
    it("initial memory above the cap, naming both numbers (125)", () =>
      expectCleanError(wasm(fixture("big-initial-memory")), 125, /needs \d+ initial memory pages, more than the cap of 128 pages/));
  });

  it("the instance kept serving through all of the above", () => {
    expect(cli.exec("cat /workspace/f").stdout).to.equal("hello\n");
  });
});
