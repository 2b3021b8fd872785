// coreason-engine: the one-shot runner, end to end through bin/engine.js.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { expectSchema, ROOT } from "../helpers/cli.js";

const fixture = (name: string) => join(ROOT, "dist", "guest", "fixtures", `${name}.wasm`);

describe("coreason-engine (the one-shot runner)", () => {
  const state = mkdtempSync(join(tmpdir(), "coreason-runner-"));
  after(() => rmSync(state, { recursive: true, force: true }));
  const engine = (args: string[]) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "engine.js"), ...args], {
      env: { ...process.env, COREASON_STATE_DIR: state },
      encoding: "utf8",
      timeout: 120000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t };
  };

  it("sh -c: the seed case is denied by the engine (77), DENIED on stdout", () => {
    const r = engine(["sh", "-c", "echo before; cat /etc/passwd"]);
    expect(r.status, r.stderr).to.equal(77);
    expect(r.stdout).to.equal("before\nDENIED open /etc/passwd: Permission denied (filesystem_policy: not granted)\n");
    expect(r.stderr).to.match(/^coreason-engine: policy violations: the last line of stdout \(exit 77\)$/m);
  });

  it("run FILE.wasm -- ARGS: the guest's status, the verdict codes it cannot forge, --json as sandbox-exec's", () => {
    expect(engine(["run", fixture("exit-status"), "--", "3"]).status).to.equal(3);
    expect(engine(["run", fixture("exit-status"), "--", "77"]).status, "a guest's own 77").to.equal(1);
    const r = engine(["run", "--json", fixture("exit-status"), "--", "0", "deny"]);
    expect(r.status).to.equal(77);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/sys-diagnostics-sandbox-exec.json", doc);
    expect(doc).to.include({ exitCode: 77, guestExitCode: 0, reason: "denied" });
    expect(doc.violations[0]).to.include({ operation: "open", path: "/etc/passwd" });
  });

  it("a trap after a violation is 77 with reason trapped; a timeout is 124 within the timeout plus 2 s; nothing is left behind", () => {
    const trap = engine(["run", "--json", fixture("violate-then"), "--", "trap"]);
    expect(trap.status).to.equal(77);
    expect(JSON.parse(trap.stdout)).to.include({ reason: "trapped", message: "the guest trapped: unreachable" });
    const t = engine(["run", "--timeout-ms", "1000", fixture("spin")]);
    expect(t.status, t.stderr).to.equal(124);
    expect(t.stderr).to.match(/timed out after \d+ ms/);
    expect(t.ms).to.be.below(1000 + 2000 + 2500); // the timeout, 2 s, and the CLI's own start-up under load
    // no instance, no host process: the state directory holds at most the module cache
    expect(readdirSync(state).filter((e) => e !== "cache")).to.deep.equal([]);
    const leftover = spawnSync("pgrep", ["-f", `${join(ROOT, "bin", "engine.js")}`], { encoding: "utf8" }).stdout.trim();
    expect(leftover, "no runner process still running").to.equal("");
  });

  it("--copy puts host files and trees into the enclave first, byte for byte", () => {
    const src = mkdtempSync(join(tmpdir(), "coreason-copy-"));
    mkdirSync(join(src, "sub"));
    writeFileSync(join(src, "sub", "a.txt"), "data\n");
    writeFileSync(join(src, "bin.dat"), Buffer.from([0, 1, 2, 255, 10]));
    writeFileSync(join(src, "empty"), "");
    const r = engine([
      "sh",
      "--copy",
      `${src}:/workspace/in`,
      "--copy",
      `${join(src, "sub", "a.txt")}:/tmp/one.txt`,
      "-c",
      "find /workspace/in | sort; cat /tmp/one.txt; xxd -p /workspace/in/bin.dat; wc -c < /workspace/in/empty",
    ]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal("/workspace/in\n/workspace/in/bin.dat\n/workspace/in/empty\n/workspace/in/sub\n/workspace/in/sub/a.txt\ndata\n000102ff0a\n0\n");
    rmSync(src, { recursive: true, force: true });
  });

  it("bad input: one line, a documented status", () => {
    const unknown = engine(["bogus"]);
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.equal('Error: unknown command "bogus" (commands: run, sh, probe)\nHint: see coreason-engine --help\n');
    expect(engine(["run", join(state, "missing.wasm")]).status).to.equal(127);
    const copy = engine(["sh", "--copy", `${state}:/etc/x`, "-c", "true"]);
    expect(copy.status).to.equal(2);
    expect(copy.stderr).to.match(/^Error: --copy .*: the guest path must lie in \/workspace or \/tmp\n$/);
    const policy = join(state, "bad.yaml");
    writeFileSync(policy, "version: 2\n");
    expect(engine(["sh", "--policy", policy, "-c", "true"]).status).to.equal(78);
    expect(engine(["sh", "-c", " "]).status).to.equal(2);
    for (const r of [unknown, copy]) expect(r.stderr).not.to.match(/\n\s+at /);
  });

  it("--help lists the three commands", () => {
    const r = engine(["--help"]);
    expect(r.status).to.equal(0);
    for (const c of ["coreason-engine run", "coreason-engine sh", "coreason-engine probe"]) expect(r.stdout).to.include(c);
  });

  it("each command's --help is spelled as this binary's (coreason-engine run, not runner run)", () => {
    for (const id of ["run", "sh", "probe"]) {
      const r = engine([id, "--help"]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`USAGE\\n  \\$ coreason-engine ${id} \\[`));
      expect(r.stdout).not.to.include("runner");
      expect(r.stdout).to.include("EXIT CODES");
    }
    // after --, --help is the module's argument, not a request for help
    expect(engine(["run", "/nonexistent.wasm", "--", "--help"]).stdout).not.to.include("USAGE");
  });

  it("probe runs the catalogue (a selection here) against a throwaway OpenShell", () => {
    const r = engine(["probe", "--only", "ctl.*", "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout);
    expect(report.passed).to.equal(true);
    expect(existsSync(join(state, "instances")) ? readdirSync(join(state, "instances")) : []).to.deep.equal([]);
  });
});
