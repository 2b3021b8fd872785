// bin/run.js runs sandbox-exec and sandbox-start from a prebundled copy (bin/hot-path.js,
// scripts/build-fast-path.mjs). It must be the same CLI: every outcome below is compared
// with the ordinary path (COREASON_NO_FAST_PATH=1) byte for byte, and the argv that take
// the fast path are exactly the ones oclif runs as those commands.
import { existsSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, ROOT } from "../helpers/cli.js";

type HotPath = { hotCommand(argv: string[], env?: Record<string, string>): string | undefined; hotBundleFresh(id: string): boolean };

/** Timing fields differ run to run; everything else must not. */
const normalise = (text: string) => text.replace(/"(durationMs|startedAt|pid|elapsedMs)": [^,\n]+/g, '"$1": X').replace(/pid \d+/g, "pid X");

describe("the hot commands' fast path", () => {
  const cli = new CliSandbox();
  let hotCommand: HotPath["hotCommand"];
  let hotBundleFresh: HotPath["hotBundleFresh"];
  before(async function () {
    this.timeout(60000);
    ({ hotCommand, hotBundleFresh } = (await import(join(ROOT, "bin", "hot-path.js"))) as HotPath);
    cli.start();
  });
  after(() => {
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
  });

  it("is built: one bundle per hot command, newer than what it holds", () => {
    for (const id of ["sandbox-exec", "sandbox-start"]) expect(hotBundleFresh(id), id).to.equal(true);
  });

  it("is not taken once a compiled file it holds is newer (a tsc since the build)", () => {
    const file = join(ROOT, "dist", "engine", "client", "exec.js");
    const { atime, mtime } = statSync(file);
    const later = new Date(statSync(join(ROOT, "dist", "fast", "sandbox-exec.cjs")).mtimeMs + 60000);
    try {
      utimesSync(file, later, later);
      expect(hotBundleFresh("sandbox-exec")).to.equal(false);
    } finally {
      utimesSync(file, atime, mtime);
    }
    expect(hotBundleFresh("sandbox-exec")).to.equal(true);
  });

  it("is what a hot command runs: a run without the bundle's code cache writes it", function () {
    this.timeout(30000);
    const cache = join(ROOT, "dist", "fast", "sandbox-exec.cjs.v8-cache");
    rmSync(cache, { force: true });
    expect(cli.exec("true").status).to.equal(0);
    expect(existsSync(cache)).to.equal(true);
  });

  it("is taken for the hot ids in every spelling, never for help or other commands", () => {
    expect(hotCommand(["sys-diagnostics", "sandbox-exec", "--enclave", "x"])).to.equal("sandbox-exec");
    expect(hotCommand(["engine", "sandbox-start"])).to.equal("sandbox-start");
    expect(hotCommand(["sys-diagnostics:sandbox-exec"])).to.equal("sandbox-exec");
    expect(hotCommand(["engine:sandbox-start", "--enclave", "x"])).to.equal("sandbox-start");
    // oclif shows help for --help/-h anywhere before `--`; after it they are the module's
    expect(hotCommand(["sys-diagnostics", "sandbox-exec", "--help"])).to.equal(undefined);
    expect(hotCommand(["sys-diagnostics", "sandbox-exec", "--cmd", "-h"])).to.equal(undefined);
    expect(hotCommand(["sys-diagnostics", "sandbox-exec", "--wasm", "t.wasm", "--", "-h"])).to.equal("sandbox-exec");
    for (const argv of [[], ["--version"], ["sys-diagnostics", "sandbox-stop"], ["sandbox-exec"], ["sys-diagnostics:sandbox-exec:x"], ["other", "sandbox-exec"]]) expect(hotCommand(argv), argv.join(" ")).to.equal(undefined);
    expect(hotCommand(["sys-diagnostics", "sandbox-exec"], { COREASON_NO_FAST_PATH: "1" })).to.equal(undefined);
  });

  const cases: [string, string[]][] = [
    ["an allowed command", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "echo hi; echo err >&2; exit 3"]],
    ["a denied command (77)", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "cat /etc/passwd"]],
    ["--json output", ["engine", "sandbox-exec", "--enclave", "OpenShell", "--json", "--cmd", "echo hi"]],
    ["stdin with -i, the colon spelling", ["sys-diagnostics:sandbox-exec", "--enclave", "OpenShell", "-i", "--cmd", "wc -l"]],
    ["a missing required flag", ["sys-diagnostics", "sandbox-exec", "--cmd", "true"]],
    ["an unknown flag, --json", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--bogus", "--json"]],
    ["an empty --cmd", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", " "]],
    ["an instance that is not running", ["sys-diagnostics", "sandbox-exec", "--enclave", "nope", "--cmd", "true"]],
    ["a start of a running instance", ["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell"]],
    ["a start of an unknown enclave, --json", ["engine", "sandbox-start", "--enclave", "NoSuchEnclave", "--json"]],
  ];
  for (const [what, argv] of cases) {
    it(`gives the ordinary path's stdout, stderr and exit code: ${what}`, function () {
      this.timeout(60000);
      const opts = { input: "a\nb\n" };
      const fast = cli.run(argv, opts);
      const ordinary = cli.run(argv, { ...opts, env: { COREASON_NO_FAST_PATH: "1" } });
      expect(fast.status, fast.stderr).to.equal(ordinary.status);
      expect(normalise(fast.stdout)).to.equal(normalise(ordinary.stdout));
      expect(normalise(fast.stderr)).to.equal(normalise(ordinary.stderr));
    });
  }
});
