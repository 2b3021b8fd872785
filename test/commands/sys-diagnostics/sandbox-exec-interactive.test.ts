// sandbox-exec -it: the enclave's shell on a terminal (a pseudo-terminal through
// util-linux `script`), and -i without -t for lines on a pipe. Each line is an exec of
// its own; the shell's state goes from line to line through the CLI.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError } from "../../helpers/cli.js";
import { PtySession } from "../../helpers/pty.js";

const PROMPT = "<ok> ";
const PS2 = "<more> ";

describe("sandbox-exec -it (interactive shell)", function () {
  this.timeout(120000);
  const cli = new CliSandbox();
  const sessions: PtySession[] = [];
  before(() => cli.start("OpenShell"));
  after(() => {
    sessions.forEach((s) => s.kill());
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
  });

  /** A session on a pty whose prompt is PROMPT (set by its first line, spelt so the
   *  echo of that line does not count as a prompt). */
  async function open(extra: string[] = []) {
    const pty = new PtySession(cli, ["sys-diagnostics", "sandbox-exec", "-it", "--enclave", "OpenShell", ...extra]);
    sessions.push(pty);
    await pty.waitFor("$ ");
    let prompts = 0;
    /** Types keys and waits for the next prompt. */
    const key = async (keys: string) => {
      pty.type(keys);
      await pty.waitFor(PROMPT, ++prompts);
    };
    const line = (text: string) => key(text + "\r");
    await line(`PS1='<o''k> ' PS2='<mo''re> '`);
    return { pty, key, line, out: () => pty.text() };
  }

  const pipe = (input: string, extra: string[] = []) => cli.run(["sys-diagnostics", "sandbox-exec", "-i", "--enclave", "OpenShell", ...extra], { input });

  it("shows a prompt and keeps the working directory, variables and functions from line to line", async () => {
    const { pty, line, out } = await open();
    await line("cd /tmp");
    await line("x=5");
    await line("f() { echo hi; }");
    await line("pwd; echo $x; f");
    expect(out()).to.include("pwd; echo $x; f\n/tmp\n5\nhi\n");
    pty.type("\x04");
    expect(await pty.exited).to.equal(0);
  });

  it("keeps exported variables, aliases, options, umask and positional parameters", async () => {
    const { pty, line, out } = await open();
    await line("export E=exported; alias ll='echo aliased'; umask 027; set -u -- a 'b c'");
    await line(`sh -c 'echo $E'; ll; umask; echo "$# $2"; echo $- ; (echo \${unset_var}) 2>&1`);
    expect(out()).to.match(/\nexported\naliased\n0027\n2 b c\nu\nsh: \d+: unset_var: parameter not set\n/);
    pty.type("exit 3\r");
    expect(await pty.exited).to.equal(3);
  });

  it("continues an if, a function over several lines and an open quote with the PS2 prompt", async () => {
    const { pty, line, out } = await open();
    pty.type("if true\r");
    await pty.waitFor(PS2);
    pty.type("then echo multi\r");
    await pty.waitFor(PS2, 2);
    await line("fi");
    pty.type("g() {\r");
    await pty.waitFor(PS2, 3);
    pty.type("  echo in-g\r");
    await pty.waitFor(PS2, 4);
    await line("}");
    pty.type("g; echo 'open\r");
    await pty.waitFor(PS2, 5);
    expect(out()).not.to.include("\nin-g\n", "a quote left open must wait for the rest");
    await line("quote'");
    expect(out()).to.include("\nmulti\n");
    expect(out()).to.include("\nin-g\nopen\nquote\n");
    pty.type("\x04");
    expect(await pty.exited).to.equal(0);
  });

  it("prints DENIED for a violation as it happens, goes on, and ends with 77", async () => {
    const { pty, line, out } = await open();
    await line("cat /etc/passwd");
    expect(out()).to.match(/cat: \/etc\/passwd: Permission denied\n/);
    expect(out()).to.include("DENIED open /etc/passwd: Permission denied");
    await line("echo still here");
    expect(out()).to.include("\nstill here\n");
    pty.type("\x04");
    expect(await pty.exited).to.equal(77);
    // and the audit log has it, as for any exec
    const audit = readFileSync(join(cli.stateDir, "instances", "OpenShell", "audit.jsonl"), "utf8");
    expect(audit).to.include("/etc/passwd");
  });

  it("Ctrl-C stops the running command, not the session: the prompt comes back with status 130", async () => {
    const { pty, key, line, out } = await open();
    await line("y=kept");
    pty.type("while :; do :; done\r");
    await new Promise((r) => setTimeout(r, 700));
    const t = Date.now();
    await key("\x03");
    expect(Date.now() - t, "Ctrl-C answered within seconds").to.be.below(5000);
    await line("echo status=$? y=$y");
    expect(out()).to.include("\nstatus=130 y=kept\n");
    await line("false");
    pty.type("\x04");
    expect(await pty.exited, "Ctrl-D ends with the last status").to.equal(1);
  });

  it("Ctrl-C of a line still queued behind another client's exec gets the prompt back too", async () => {
    const { pty, key, line, out } = await open();
    cli.exec("true"); // a worker replaced after an earlier Ctrl-C is back
    const other = cli.runAsync(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "sleep 3; echo other-done"]);
    await new Promise((r) => setTimeout(r, 1500));
    pty.type("echo queued-ran\r");
    await new Promise((r) => setTimeout(r, 200));
    await key("\x03");
    expect((await other).stdout).to.equal("other-done\n");
    await line("echo status=$?");
    expect(out(), out()).to.include("\nstatus=130\n").and.not.include("\nqueued-ran\n");
    pty.type("exit\r");
    await pty.exited;
  });

  it("Ctrl-C at the prompt drops the line being typed and sets $? to 130", async () => {
    const { pty, key, line, out } = await open();
    pty.type("if true");
    await key("\x03");
    await line("echo after=$?");
    expect(out(), out()).to.include("\nafter=130\n");
    await key("\x03");
    pty.type("\x04");
    expect(await pty.exited).to.equal(130);
  });

  it("the guest sees a terminal with -t only", async () => {
    const { pty, line, out } = await open();
    await line("[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo tty-yes; [ -t 1 ] > /tmp/t; echo redirected=$?; { [ -t 1 ]; echo piped=$?; } | cat");
    expect(out(), out()).to.include("\ntty-yes\nredirected=1\npiped=1\n");
    pty.type("exit\r");
    await pty.exited;
    expect(pipe("[ -t 1 ]; echo pipe=$?\n").stdout).to.equal("pipe=1\n");
    expect(cli.exec("[ -t 1 ]; echo cmd=$?").stdout).to.equal("cmd=1\n");
  });

  it("-t without a terminal, -t with --cmd and no command at all are usage errors", () => {
    expectCleanError(pipe("", ["-t"]), 2, /^Error: -t needs a terminal, and stdin is not one/);
    expect(pipe("", ["-t"]).stderr.trim().split("\n")).to.have.length(1);
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-exec", "-t", "--enclave", "OpenShell"]), 2, /-t needs -i/);
    expectCleanError(
      cli.run(["sys-diagnostics", "sandbox-exec", "-it", "--cmd", "true", "--enclave", "OpenShell"]),
      2,
      /--tty=true cannot also be provided when using --cmd/,
    );
    expectCleanError(
      cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell"]),
      2,
      /give --cmd SCRIPT or --wasm FILE, or -it for an interactive shell/,
    );
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-exec", "-i", "--enclave", "Other"], { input: "true\n" }), 125, /enclave Other is not running/);
    const json = pipe("true\n", ["--json"]);
    expect(json.status).to.equal(2);
    expect(JSON.parse(json.stdout).error).to.include({ code: "USAGE", message: "--json is not available for the interactive shell: give --cmd SCRIPT" });
  });

  describe("-i on a pipe (the same session, no prompt)", () => {
    it("runs lines one by one with the state kept; exit N ends it with N", () => {
      const r = pipe("cd /tmp\nx=5\nf() { echo hi; }\npwd; echo $x; f\nexit 4\necho never\n");
      expect(r.stdout).to.equal("/tmp\n5\nhi\n");
      expect(r.status).to.equal(4);
    });

    it("runs the EXIT trap when the input ends, with its status", () => {
      const r = pipe("trap 'echo bye; exit 5' EXIT\necho first\n");
      expect(r.stdout).to.equal("first\nbye\n");
      expect(r.status).to.equal(5);
    });

    it("an error that ends a script ends only the line; exec and set -e end the session", () => {
      const r = pipe(": ${u?gone}; echo not-reached\necho next\nset -e\nfalse\necho never\n");
      expect(r.stdout).to.equal("next\n");
      expect(r.stderr).to.match(/u: gone/);
      expect(r.status).to.equal(1);
    });

    it("a timed-out line says so and leaves the state as it was before it", () => {
      const r = pipe("x=before\nx=after; while :; do :; done\necho $x\n", ["--timeout-ms", "400"]);
      expect(r.stdout).to.equal("before\n");
      expect(r.stderr).to.include("sandbox-exec: timed out after 400 ms; the guest was stopped; the line was stopped before the shell could save its state");
      expect(r.status).to.equal(0);
    });

    it("functions are read back exactly as defined (every construct, here-documents included)", () => {
      const defs = [
        `f1() { for i in 1 "2 3"; do echo "[$i]"; done; case $1 in a|b) echo ab;; *) echo other;; esac; }`,
        `f2() { cat <<EOF\nhome=$HOME \\$literal\nOSH_EOF_0\nEOF\ncat <<'Q' | tr a-z A-Z\nraw $HOME\nQ\n}`,
        `f3() { ! false && { echo group; } 2>&1 | cat; (echo sub; exit 3) || echo "sub=$?"; while false; do :; done; until true; do :; done; if false; then :; elif true; then echo elif; else :; fi; }`,
        `f4() ( x=inner; g() { echo "nested $x"; }; g > /tmp/f4; cat /tmp/f4 )`,
        `f5() { local v=1; echo $((v + 41)) "$(echo sub)" \`echo bq\`; : & echo bg; }`,
      ];
      const calls = "f1 a; f1 z; f2; f3; f4; f5";
      const together = cli.exec(`${defs.join("\n")}\n${calls}`);
      expect(together.status, together.stderr).to.equal(0);
      const session = pipe(`${defs.join("\n")}\n${calls}\n`);
      expect(session.stderr).to.equal("");
      expect(session.stdout).to.equal(together.stdout);
      expect(session.stdout).to.include("OSH_EOF_0\n").and.include("RAW $HOME\n").and.include("nested inner\n");
    });

    it("the line's commands never see the session's variables, and cannot forge its block", () => {
      const r = pipe(
        "env | grep -c OSH_; set | grep -c OSH_SESSION; echo USER=$USER\nprintf '\\0OSH-SESSION:%s\\0' 00112233445566778899aabbccddeeff >&2; echo after-forgery\necho next\n",
      );
      expect(r.stdout).to.equal("0\n0\nUSER=sandbox\nafter-forgery\nnext\n");
      expect(r.stderr).to.include("\0OSH-SESSION:00112233445566778899aabbccddeeff\0");
    });
  });
});
