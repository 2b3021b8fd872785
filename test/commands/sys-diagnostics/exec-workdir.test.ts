// sandbox-exec -w/--workdir DIR (and coreason-engine --workdir), end to end.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema, ROOT } from "../../helpers/cli.js";

const catFile = join(ROOT, "dist", "guest", "fixtures", "cat-file.wasm");
const sd = (...args: string[]) => ["sys-diagnostics", ...args];

describe("sandbox-exec -w/--workdir", function () {
  const cli = new CliSandbox();
  before(() => {
    cli.start();
    expect(
      cli.exec("mkdir -p /workspace/sub/deep /tmp/t; echo top > /workspace/data.txt; echo sub > /workspace/sub/data.txt; echo f > /workspace/file").status,
    ).to.equal(0);
  });
  after(() => {
    cli.run(sd("sandbox-stop", "--enclave", "OpenShell"));
    cli.cleanup();
  });
  const execCount = () => JSON.parse(cli.run(sd("sandbox-list", "--json")).stdout).instances[0].execCount as number;

  it("--cmd: the shell starts in DIR (pwd, $PWD, relative paths); without -w in /workspace", () => {
    const r = cli.exec("pwd; echo $PWD; cat data.txt; cat ../data.txt", ["-w", "/workspace/sub"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal("/workspace/sub\n/workspace/sub\nsub\ntop\n");
    expect(cli.exec("pwd; cat data.txt").stdout, "positive control: the default").to.equal("/workspace\ntop\n");
    expect(cli.exec("pwd", ["--workdir", "/tmp/t/"]).stdout).to.equal("/tmp/t\n");
    expect(cli.exec("pwd; ls | head -1", ["-w", "/bin"]).stdout, "a read-only granted directory").to.match(/^\/bin\n\S+\n$/);
    expect(cli.exec("pwd", ["-w", "/workspace/sub", "--env-clear"]).stdout, "also with --env-clear").to.equal("/workspace/sub\n");
  });

  it("--wasm: a wasi-libc module resolves relative paths in DIR, '..' included; escapes stay denied", () => {
    const wasm = (dir: string[], path: string) => cli.run(sd("sandbox-exec", "--enclave", "OpenShell", ...dir, "--wasm", catFile, "--", path));
    expect(wasm(["-w", "/workspace/sub"], "data.txt").stdout).to.equal("sub\n");
    expect(wasm([], "data.txt").stdout, "positive control: the default workdir").to.equal("top\n");
    expect(wasm(["-w", "/workspace/sub/deep"], "../../data.txt").stdout).to.equal("top\n");
    expect(wasm(["-w", "/workspace/sub"], "/workspace/data.txt").stdout, "absolute paths are unchanged").to.equal("top\n");
    const escape = wasm(["-w", "/workspace/sub"], "../../etc/passwd");
    expect(escape.status).to.equal(77);
    expect(escape.stdout).to.equal("DENIED open /etc/passwd: Permission denied (filesystem_policy: not granted)\n");
  });

  it("a relative DIR or one with '..' is a usage error (2), nothing runs", () => {
    const before = execCount();
    expectCleanError(cli.exec("pwd", ["-w", "sub"]), 2, /workdir "sub": must be an absolute guest path/);
    expectCleanError(cli.exec("pwd", ["-w", "/workspace/../etc"]), 2, /must not contain '\.\.'/);
    const json = cli.exec("pwd", ["-w", "", "--json"]);
    expect(json.status).to.equal(2);
    expect(JSON.parse(json.stdout).error).to.include({ code: "USAGE", exit: 2 });
    expect(execCount()).to.equal(before);
  });

  it("a DIR the policy does not grant is a denial (77, WORKDIR_DENIED), never by prefix; nothing runs", () => {
    const before = execCount();
    for (const dir of ["/etc", "/root", "/workspacex", "/"]) {
      const r = cli.exec("pwd", ["-w", dir, "--json"]);
      expect(r.status, dir).to.equal(77);
      const doc = JSON.parse(r.stdout);
      expectSchema("output/error.json", doc);
      expect(doc.error).to.include({ code: "WORKDIR_DENIED", exit: 77 });
      expect(doc.error.message).to.equal(`workdir ${dir}: Permission denied (filesystem_policy: not granted)`);
    }
    expectCleanError(
      cli.run(sd("sandbox-exec", "--enclave", "OpenShell", "-w", "/etc", "--wasm", catFile, "--", "passwd")),
      77,
      /workdir \/etc: Permission denied/,
    );
    expect(execCount()).to.equal(before);
  });

  it("a DIR that is not a directory in the enclave fails as docker exec -w does (126, WORKDIR_MISSING); nothing runs", () => {
    const before = execCount();
    for (const [dir, why] of [
      ["/workspace/nope", "no such directory"],
      ["/workspace/file", "not a directory"],
      ["/usr/nope", "no such directory"],
    ]) {
      const r = cli.exec("echo ran > /workspace/ran", ["-w", dir, "--json"]);
      expect(r.status, dir).to.equal(126);
      expect(JSON.parse(r.stdout).error).to.include({ code: "WORKDIR_MISSING", exit: 126 });
      expect(JSON.parse(r.stdout).error.message).to.equal(`workdir ${dir}: ${why} in the enclave (as docker exec -w, nothing ran)`);
    }
    expectCleanError(cli.run(sd("sandbox-exec", "--enclave", "OpenShell", "-w", "/workspace/nope", "--wasm", catFile, "--", "x")), 126, /no such directory/);
    expect(execCount()).to.equal(before);
    expect(cli.exec("cat /workspace/ran").status, "the script never ran").to.equal(1);
  });

  it("PWD from -e is the guest's own business: a PWD the policy denies is denied, the shell stays in /workspace", () => {
    const r = cli.exec("pwd", ["-e", "PWD=/root"]);
    expect(r.status).to.equal(77);
    expect(r.stdout).to.match(/^\/workspace\nDENIED stat \/root/);
  });
});

describe("coreason-engine --workdir", () => {
  const state = mkdtempSync(join(tmpdir(), "coreason-runner-wd-"));
  const data = mkdtempSync(join(tmpdir(), "coreason-runner-data-"));
  after(() => {
    rmSync(state, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });
  const engine = (args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "bin", "engine.js"), ...args], {
      env: { ...process.env, COREASON_STATE_DIR: state },
      encoding: "utf8",
      timeout: 120000,
    });

  it("run --workdir: the module resolves relative paths in DIR (after --copy); sh -w: the shell starts there", () => {
    mkdirSync(join(data, "in"));
    writeFileSync(join(data, "in", "x.txt"), "copied\n");
    const run = engine(["run", "--copy", `${data}:/workspace/d`, "--workdir", "/workspace/d/in", catFile, "--", "x.txt"]);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.equal("copied\n");
    const sh = engine(["sh", "--copy", `${data}:/workspace/d`, "-w", "/workspace/d", "-c", "pwd; cat in/x.txt"]);
    expect(sh.status, sh.stderr).to.equal(0);
    expect(sh.stdout).to.equal("/workspace/d\ncopied\n");
  });

  it("the same errors and exit codes as sandbox-exec -w", () => {
    expect(engine(["sh", "-w", "rel", "-c", "pwd"]).status).to.equal(2);
    const denied = engine(["sh", "-w", "/etc", "-c", "pwd"]);
    expect(denied.status).to.equal(77);
    expect(denied.stderr).to.match(/workdir \/etc: Permission denied/);
    const missing = engine(["run", "--workdir", "/workspace/none", catFile, "--", "x"]);
    expect(missing.status).to.equal(126);
    expect(missing.stderr).to.match(/workdir \/workspace\/none: no such directory/);
  });
});
