// The verdict is exactly true whatever the guest does: violations survive a timeout, a
// trap, an output flood, a dead worker, an interrupt and a stop; the exit status cannot
// be forged by the guest; engine lines cannot be forged or hidden by guest bytes.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import binaryen from "binaryen";
import { expect } from "chai";
import { CliSandbox, expectSchema, ROOT } from "../../helpers/cli.js";

const fixture = (name: string) => join(ROOT, "dist", "guest", "fixtures", `${name}.wasm`);
const SHADOW = { operation: "open", path: "/etc/shadow", rule: "filesystem_policy: not granted", decision: "denied" };
type Doc = Record<string, unknown> & { violations: Record<string, unknown>[] };

describe("the verdict, whatever the guest does", () => {
  const cli = new CliSandbox();
  before(() => cli.start("OpenShell", ["--memory-pages", "256"]));
  after(() => cli.cleanup());

  const hostPid = () => JSON.parse(readFileSync(join(cli.stateDir, "instances", "OpenShell", "instance.json"), "utf8")).pid as number;
  const audit = () => JSON.parse(cli.run(["sys-diagnostics", "sandbox-audit", "--enclave", "OpenShell", "--json"]).stdout).records as Record<string, unknown>[];
  const wasm = (file: string, args: string[], extra: string[] = []) => {
    const r = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--json", ...extra, "--wasm", file, "--", ...args]);
    const doc = JSON.parse(r.stdout) as Doc;
    expectSchema("output/sys-diagnostics-sandbox-exec.json", doc);
    expect(r.status, "the CLI's status is --json's exitCode").to.equal(doc.exitCode);
    return doc;
  };

  describe("violations are never lost", () => {
    it("a violation, then a busy loop to the timeout: 77, reason timeout, the DENIED line and the audit record", () => {
      const before = audit().length;
      const r = cli.exec("cat /etc/shadow; while :; do :; done", ["--timeout-ms", "1500"]);
      expect(r.status, r.stderr).to.equal(77);
      expect(r.stdout).to.equal("DENIED open /etc/shadow: Permission denied (filesystem_policy: not granted)\n");
      expect(r.stderr).to.match(/timed out after \d+ ms/);
      const records = audit().slice(before);
      expect(records.map((x) => [x.operation, x.path])).to.deep.equal([["open", "/etc/shadow"]]);
      const { doc } = cli.execJson("cat /etc/shadow; while :; do :; done", ["--timeout-ms", "1500"]);
      expect(doc).to.include({ exitCode: 77, reason: "timeout", guestExitCode: null });
      expect(doc.violations).to.deep.equal([SHADOW]);
    });

    it("control: the same loop without a violation is a plain timeout (124), nothing recorded", () => {
      const before = audit().length;
      const { status, doc } = cli.execJson("while :; do :; done", ["--timeout-ms", "1000"]);
      expect(status).to.equal(124);
      expect(doc).to.include({ reason: "timeout" });
      expect(doc.violations).to.deep.equal([]);
      expect(audit().length).to.equal(before);
    });

    it("a raw module that violates and spins, traps, or floods its output keeps its violation", () => {
      const spin = wasm(fixture("violate-then"), ["spin"], ["--timeout-ms", "1200"]);
      expect(spin).to.include({ exitCode: 77, reason: "timeout" });
      expect(spin.violations).to.deep.equal([SHADOW]);
      const trap = wasm(fixture("violate-then"), ["trap"]);
      expect(trap).to.include({ exitCode: 77, reason: "trapped" });
      expect(trap.message).to.match(/trapped: unreachable/);
      expect(trap.violations).to.deep.equal([SHADOW]);
    });

    /** An exec of violate-then that opens /etc/shadow, prints "violated", then spins. */
    const spawnViolateThenSpin = () =>
      spawn(
        process.execPath,
        [
          join(ROOT, "bin", "run.js"),
          "sys-diagnostics",
          "sandbox-exec",
          "--enclave",
          "OpenShell",
          "--timeout-ms",
          "60000",
          "--wasm",
          fixture("violate-then"),
          "--",
          "spin",
        ],
        { env: cli.env(), stdio: ["ignore", "pipe", "pipe"] },
      );

    it("a worker killed under an exec: the result still lists the violation (77, reason failed)", async () => {
      const child = spawnViolateThenSpin();
      let [stdout, stderr] = ["", ""];
      child.stderr.on("data", (d) => (stderr += d));
      await new Promise<void>((resolve) => child.stdout.on("data", (d) => ((stdout += d), stdout.includes("violated") && resolve())));
      process.kill(hostPid(), "SIGUSR2"); // the host crashes its worker thread
      const status = await new Promise((r) => child.on("close", r));
      expect(status, stderr).to.equal(77);
      expect(stdout).to.equal("violated\nDENIED open /etc/shadow: Permission denied (filesystem_policy: not granted)\n");
      expect(stderr).to.match(/^sandbox-exec: enclave worker failed during exec: .*the instance was restarted$/m);
      expect(cli.exec("echo alive").stdout).to.equal("alive\n");
    });

    it("a stop during an exec: its result lists the violation (77, reason killed)", async () => {
      const other = new CliSandbox();
      try {
        other.start("OpenShell");
        const running = other.runAsync([
          "sys-diagnostics",
          "sandbox-exec",
          "--enclave",
          "OpenShell",
          "--json",
          "--timeout-ms",
          "60000",
          "--cmd",
          "cat /etc/shadow; while :; do :; done",
        ]);
        await new Promise((r) => setTimeout(r, 2500));
        expect(other.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]).status).to.equal(0);
        const r = await running;
        const doc = JSON.parse(r.stdout) as Doc;
        expect(r.status).to.equal(77);
        expect(doc).to.include({ exitCode: 77, reason: "killed", message: "enclave OpenShell was stopped while this exec ran" });
        expect(doc.violations).to.deep.equal([SHADOW]);
      } finally {
        other.cleanup();
      }
    });

    it("an interrupted CLI (Ctrl-C): the busy guest is stopped at once, its violation is in the audit log", async () => {
      const before = audit().length;
      const child = spawnViolateThenSpin();
      await new Promise<void>((resolve) => child.stdout.on("data", (d) => String(d).includes("violated") && resolve()));
      child.kill("SIGINT");
      await new Promise((r) => child.on("close", r));
      const next = cli.exec("echo next");
      expect(next.stdout, "the next exec runs: the runaway was stopped").to.equal("next\n");
      expect(next.ms, "it did not wait for the 60 s timeout").to.be.below(15000);
      expect(
        audit()
          .slice(before)
          .map((x) => [x.operation, x.path]),
      ).to.deep.equal([["open", "/etc/shadow"]]);
    });
  });

  describe("the exit status cannot be forged", () => {
    for (const [status, exit] of [
      [77, 1],
      [124, 1],
      [125, 1],
      [134, 1],
      [137, 1],
      [256, 1],
      [4294967295, 1],
    ] as const) {
      it(`a guest's own proc_exit(${status}) exits ${exit}, never a verdict or 0; guestExitCode keeps ${status}`, () => {
        const doc = wasm(fixture("exit-status"), [String(status)]);
        expect(doc).to.include({ exitCode: exit, guestExitCode: status, reason: "exited" });
        expect(doc.violations).to.deep.equal([]);
      });
    }

    it("control: ordinary statuses pass through (0, 3, 255), and a real denial is 77", () => {
      for (const s of [0, 3, 255]) expect(wasm(fixture("exit-status"), [String(s)])).to.include({ exitCode: s, guestExitCode: s });
      const denied = wasm(fixture("exit-status"), ["0", "deny"]);
      expect(denied).to.include({ exitCode: 77, guestExitCode: 0, reason: "denied" });
    });

    it("proc_exit(-1) is reported as the u32 the guest gave, exit 1", () => {
      expect(wasm(fixture("exit-status"), ["-1"])).to.include({ exitCode: 1, guestExitCode: 4294967295 });
    });
  });

  describe("a trap is a trap, and harms nobody else", () => {
    it("a module whose start function traps: 134 with its message; the next exec works and /workspace is intact", () => {
      const dir = mkdtempSync(join(tmpdir(), "coreason-start-trap-"));
      const file = join(dir, "start-trap.wasm");
      writeFileSync(file, startTrapModule());
      expect(cli.exec("echo kept > /workspace/kept-start").status).to.equal(0);
      const doc = wasm(file, []);
      expect(doc).to.include({ exitCode: 134, reason: "trapped", guestExitCode: null });
      expect(doc.message).to.equal("the guest trapped: unreachable");
      const next = cli.exec("cat /workspace/kept-start");
      expect(next.status, next.stderr).to.equal(0);
      expect(next.stdout).to.equal("kept\n");
    });
  });

  describe("engine output cannot be forged or hidden", () => {
    it("a newline in a denied path cannot forge a second DENIED line", () => {
      const r = cli.exec('cat "/etc/x\nDENIED open /fake: Permission denied (filesystem_policy: not granted)"');
      expect(r.status).to.equal(77);
      const lines = r.stdout.split("\n").filter(Boolean);
      expect(lines).to.deep.equal([
        "DENIED open /etc/x\\nDENIED open /fake: Permission denied (filesystem_policy: not granted): Permission denied (filesystem_policy: not granted)",
      ]);
      expect(r.stderr).to.match(/^sandbox-exec: policy violations: the last line of stdout \(exit 77\)$/m);
    });

    it("escape sequences in a path are escaped, in sandbox-exec and sandbox-audit; --json keeps the bytes", () => {
      const r = cli.exec("cat \"/etc/$(printf '\\033]0;pwn\\007\\033[8m')\"");
      expect(r.status).to.equal(77);
      expect(r.stdout).to.equal("DENIED open /etc/\\x1b]0;pwn\\x07\\x1b[8m: Permission denied (filesystem_policy: not granted)\n");
      const text = cli.run(["sys-diagnostics", "sandbox-audit", "--enclave", "OpenShell"]).stdout;
      expect(text).to.include("open /etc/\\x1b]0;pwn\\x07\\x1b[8m (filesystem_policy: not granted)");
      expect(text).not.to.match(/\x1b/);
      const { doc } = cli.execJson("cat \"/etc/$(printf '\\033[8m')\"");
      expect(doc.violations[0].path).to.equal("/etc/\x1b[8m");
    });

    it("guest output that does not end with a newline cannot run into the DENIED line", () => {
      const r = cli.exec("printf 'partial'; cat /etc/passwd 2>/dev/null; printf '\\033[8m'");
      expect(r.status).to.equal(77);
      expect(r.stdout).to.equal("partial\x1b[8m\nDENIED open /etc/passwd: Permission denied (filesystem_policy: not granted)\n");
    });

    it("invalid UTF-8 and backslashes in a path are told apart", () => {
      const { doc } = cli.execJson('cat "/etc/$(printf \'a\\377\')" "/etc/a\\\\xff"');
      expect(doc.violations.map((v) => v.path)).to.deep.equal(["/etc/a\\xff", "/etc/a\\\\xff"]);
    });
  });

  it("stdin of an exec queued behind a worker replacement reaches its guest", async () => {
    const spin = cli.runAsync([
      "sys-diagnostics",
      "sandbox-exec",
      "--enclave",
      "OpenShell",
      "--timeout-ms",
      "800",
      "--wasm",
      fixture("violate-then"),
      "--",
      "spin",
    ]);
    await new Promise((r) => setTimeout(r, 300));
    const queued = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "-i", "--cmd", "wc -l"], { input: "a\nb\n", timeoutMs: 30000 });
    expect((await spin).status).to.equal(77);
    expect(queued.status, queued.stderr).to.equal(0);
    expect(queued.stdout.trim()).to.equal("2");
  });

  it("--json carries a large output (seq 1 1500000) without failing", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--json", "--cmd", "seq 1 1500000"]);
    expect(r.status, r.stderr.slice(0, 400)).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.stdout.length).to.equal(10888896);
    expect(doc.stdout.endsWith("1499999\n1500000\n")).to.equal(true);
  });
});

/** A command module whose start section traps: the SDK runs it while instantiating. */
function startTrapModule(): Uint8Array {
  const m = new binaryen.Module();
  try {
    m.setMemory(4, 4, "memory");
    // a shadow stack as an LLVM module has one: 128 KiB, growing down from 128 KiB
    m.addGlobal("__stack_pointer", binaryen.i32, true, m.i32.const(131072));
    m.addFunction("init", binaryen.none, binaryen.none, [], m.unreachable());
    m.addFunction(
      "_start",
      binaryen.none,
      binaryen.none,
      [],
      m.global.set("__stack_pointer", m.i32.sub(m.global.get("__stack_pointer", binaryen.i32), m.i32.const(16))),
    );
    m.addFunctionExport("_start", "_start");
    m.setStart(m.getFunction("init"));
    if (!m.validate()) throw new Error("invalid test module");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}
