// The OpenShell utilities' framework (guest/openshell/lib): each utility's --help is its
// header comment, its state is one GLOBALS struct the dispatcher zeroes before each run
// (and gives back to an outer run of the same utility), and toy_init parses numbers and
// exclusive options (head/tail -n/-c/-NUM, cmp -l/-s).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { definitionCommands, loadDefinition } from "../../src/engine/enclave/definitions.js";
import { ROOT } from "../helpers/cli.js";
import { GuardedSandbox, guestFile, openShellGuard } from "../helpers/guarded-sandbox.js";

const CMDS = join(ROOT, "guest", "openshell", "cmds");
const sources = readdirSync(CMDS)
  .filter((f) => f.endsWith(".c"))
  .sort()
  .map((f) => ({ name: f.slice(0, -2), text: readFileSync(join(CMDS, f), "utf8") }));

/** Mutable file-scope variables: "static" lines that are neither functions nor initialised const data. */
const fileStatics = (text: string) =>
  text
    .split("\n")
    .filter((l) => /^static\s/.test(l))
    .filter((l) => !/^static\s+(inline\s+)?[\w\s*]+\b\w+\s*\(/.test(l) && !(/^static\s+const\b/.test(l) && /=|\*\s*const\b/.test(l)));

describe("OpenShell utility framework", function () {
  let base: GuardedSandbox;
  before(async () => {
    base = await GuardedSandbox.fromFile(guestFile("openshell.wasm"), openShellGuard(), 1024, definitionCommands(loadDefinition("OpenShell")));
  });
  const run = async (cmd: string, stdin = "") => {
    const got = await (await base.fresh()).run(["-c", cmd], 20000, stdin);
    return { stdout: got.stdout, status: got.exitCode, stderr: got.stderr };
  };

  describe("help text: the header comment, written once", () => {
    it("no utility spells its help in a C string; each starts with a usage comment", () => {
      for (const { name, text } of sources) {
        expect(text, name).to.match(new RegExp(`^/\\* usage: ${name}\\b`));
        expect(text, name).not.to.match(/\bhelp\s*\[\s*\]\s*=|fputs\("usage:/);
      }
      expect(sources.length).to.be.above(60);
    });

    it("--help prints exactly the header comment (egrep, fgrep: grep's)", async function () {
      this.timeout(120000);
      const { headerHelp } = await import(join(ROOT, "scripts", "build-guest.mjs"));
      const names = sources.map((s) => s.name);
      // through env: the utility, not the shell builtin of the same name (echo, printf, true, false)
      const got = await run(names.map((n) => `env ${n} --help; echo "<$?>"`).join("; "));
      const help = (n: string) => headerHelp(sources.find((s) => s.name === n)!.text, n);
      const want = names.map((n) => `${help(n === "egrep" || n === "fgrep" ? "grep" : n)}<${n === "false" ? 1 : 0}>\n`).join("");
      expect(got.stdout).to.equal(want);
      expect(help("head")).to.equal(
        "usage: head [-qv] [-n NUM | -c NUM | -NUM] [FILE...]\n\nPrint the first 10 lines of each FILE (or stdin), with ==> FILE <== headers for several.\n" +
          "-n\tprint the first NUM lines; -n -NUM prints all but the last NUM lines\n-c\tprint the first NUM bytes; -c -NUM prints all but the last NUM bytes\n" +
          "-q\tnever print headers\n-v\talways print headers\n",
      );
    });
  });

  describe("state: one GLOBALS struct per utility, zeroed by the dispatcher", () => {
    it("no utility keeps mutable state outside GLOBALS(name, ...)", () => {
      for (const { name, text } of sources) {
        expect(fileStatics(text), name).to.deep.equal([]);
        const g = /^GLOBALS\((\w+),/m.exec(text);
        if (g) expect(g[1], name).to.equal(name);
      }
      // positive control: the filter sees a mutable static, and passes const tables and functions
      expect(fileStatics("static int x;\nstatic const char *p;\nstatic const char t[] = \"a\";\nstatic int f(void) {")).to.deep.equal(["static int x;", "static const char *p;"]);
      expect(sources.filter((s) => /^GLOBALS\(/m.test(s.text)).length).to.be.at.least(20);
    });

    it("a run after runs with options and a full hold space starts afresh (sed, cat, grep, sort, head)", async () => {
      const got = await run(
        "printf '1\\n2\\n3\\n' > f; sed -n '1h;1!H;${x;s/\\n/,/g;p}' f; sed -s -n '$p' f f; sed = f | sed 'N;s/\\n/ /'; sed p f | sed -n 2p; " +
          "cat -n f; cat f; grep -c 2 f; grep -v 2 f; sort -r -t, -k1,1 f; sort f; head -c 1 f; head -n 1 f; tail -n +3 f; tail -1 f",
      );
      expect(got.stdout).to.equal("1,2,3\n3\n3\n1 1\n2 2\n3 3\n1\n     1\t1\n     2\t2\n     3\t3\n1\n2\n3\n1\n1\n3\n3\n2\n1\n1\n2\n3\n11\n3\n3\n");
      expect(got.status).to.equal(0);
    });

    // These failed before the state moved into GLOBALS: the inner run reset (awk: wiped)
    // the statics the outer run of the same utility was still using.
    it("awk's system() running awk: the outer awk goes on with its own state, options and operands", async () => {
      const got = await run(`awk 'BEGIN { x = 5; system("awk \\"BEGIN { x = 1; print x }\\""); print x + 1; print "z" | "cat" }'; echo "rc=$?"`);
      expect(got).to.deep.include({ stdout: "1\n6\nz\nrc=0\n", status: 0 });
      const files = await run(`printf 'a:b\\nc:d\\n' > f; printf 'x,y\\n' > g; awk -F: 'NR == 1 { system("awk -F, \\"{ print \\\\$2 }\\" g") } { print $2 }' f f`);
      expect(files).to.deep.include({ stdout: "y\nb\nd\nb\nd\n", status: 0 });
    });

    it("find -exec find, directly and through sh -c: the outer walk and expression survive", async () => {
      const setup = "mkdir -p d1/s d2; touch d1/s/f d2/g; ";
      const direct = await run(setup + "find d1 d2 -maxdepth 1 -exec find {} -name '[fg]' \\; -print; echo rc=$?");
      expect(direct).to.deep.include({ stdout: "d1/s/f\nd1\nd1/s/f\nd1/s\nd2/g\nd2\nd2/g\nd2/g\nrc=0\n", stderr: "" });
      const viaSh = await run(setup + "find d1 d2 -exec sh -c 'find \"$1\" -maxdepth 0 -type f' sh {} \\; -print");
      expect(viaSh).to.deep.include({ stdout: "d1\nd1/s\nd1/s/f\nd1/s/f\nd2\nd2/g\nd2/g\n", status: 0, stderr: "" });
    });
  });

  describe("options: numbers (c#) and exclusions ([-ab], [!ab])", () => {
    it("head/tail: -NUM, -n, -c, signs; the last of -n/-c and of -q/-v counts (as GNU)", async () => {
      const got = await run(
        "seq 20 > f; seq 2 > g; head -3 f; head -n -17 f; head -c 5 f; head -n 2 -c 3 f; echo; head -c 3 -n 2 f; head -5 -n 1 f; " +
          "tail -2 f; tail -n +19 f; tail -c +49 f; tail -n 1 -c 2 f; head -v -q -n1 f g; head -q -v -n1 f g; tail -n -1 f",
      );
      expect(got.stdout).to.equal("1\n2\n3\n1\n2\n3\n1\n2\n31\n2\n1\n2\n1\n19\n20\n19\n20\n20\n0\n1\n1\n==> f <==\n1\n\n==> g <==\n1\n20\n");
      expect(got.status).to.equal(0);
    });

    it("head/tail: a bad number is GNU's message and status 1, even in an option a later one overrides", async () => {
      for (const [cmd, msg] of [
        ["head -n x f", "head: invalid number of lines: 'x'"],
        ["head -c 1x -n 2 f", "head: invalid number of bytes: '1x'"],
        ["tail -n ++1 f", "tail: invalid number of lines: '++1'"],
        ["head --lines= f", "head: invalid number of lines: ''"],
      ]) {
        const got = await run(`seq 3 > f; ${cmd}`);
        expect(got, cmd).to.deep.equal({ stdout: "", status: 1, stderr: msg + "\n" });
      }
    });

    it("cmp -l -s: incompatible options, a usage error with status 2", async () => {
      const got = await run("printf a > a; cmp -l -s a a");
      expect(got).to.deep.equal({ stdout: "", status: 2, stderr: "cmp: options -l and -s are incompatible\nTry 'cmp --help' for more information.\n" });
      expect(await run("printf a > a; printf b > b; cmp -l a b")).to.deep.include({ stdout: "1 141 142\n", status: 1 });
    });
  });
});
