// bin/run.js runs sandbox-exec and sandbox-start from a prebundled copy (bin/hot-path.js,
// scripts/build-fast-path.mjs). It must be the same CLI: every outcome below is compared
// with the ordinary path (COREASON_NO_FAST_PATH=1) byte for byte, the argv that take
// the fast path are exactly the ones oclif runs as those commands, and whatever could
// change a run (a user plugin, a stale bundle) sends it the ordinary way.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, ROOT } from "../helpers/cli.js";

interface HotPath {
  hotCommand(argv: string[], env?: Record<string, string>): string | undefined;
  hotBundleFresh(id: string): boolean;
  userPlugins(env?: Record<string, string>): boolean;
}

/** Timing fields differ run to run; everything else must not. */
const normalise = (text: string) => text.replace(/"(durationMs|startedAt|pid|elapsedMs)": [^,\n]+/g, '"$1": X').replace(/pid \d+/g, "pid X");

const FAST = join(ROOT, "dist", "fast");
const CODE_CACHE = join(FAST, "sandbox-exec.cjs.v8-cache");

describe("the hot commands' fast path", () => {
  const cli = new CliSandbox();
  const moduleCache = join(cli.stateDir, "cache", "modules");
  let hot: HotPath;
  before(async function () {
    this.timeout(60000);
    hot = (await import(join(ROOT, "bin", "hot-path.js"))) as HotPath;
    cli.start();
    expect(cli.exec("mkdir -p /workspace/sub").status).to.equal(0);
  });
  after(() => {
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
  });

  /** Whether a run of `argv` took the fast path: only it writes the bundle's code cache. */
  const takesFastPath = (argv: string[], env: Record<string, string> = {}) => {
    rmSync(CODE_CACHE, { force: true });
    const r = cli.run(argv, { env });
    return { taken: existsSync(CODE_CACHE), r };
  };
  const exec = ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "echo hi"];

  it("is built: one bundle per hot command, no older than what it holds", () => {
    for (const id of ["sandbox-exec", "sandbox-start"]) expect(hot.hotBundleFresh(id), id).to.equal(true);
  });

  it("is what a hot command runs (a run without the bundle's code cache writes it), and COREASON_NO_FAST_PATH=1 turns it off", function () {
    this.timeout(30000);
    const fast = takesFastPath(exec);
    expect(fast.r.stdout).to.equal("hi\n");
    expect(fast.taken).to.equal(true);
    expect(takesFastPath(exec, { COREASON_NO_FAST_PATH: "1" }).taken).to.equal(false);
    expect(takesFastPath(exec).taken).to.equal(true);
  });

  it("is not taken once a file it holds is newer than the bundle (a tsc since the build), or of another size (an npm install)", function () {
    this.timeout(30000);
    const file = join(ROOT, "dist", "engine", "client", "exec.js");
    const { atime, mtime } = statSync(file);
    const later = new Date(statSync(join(FAST, "sandbox-exec.cjs")).mtimeMs + 60000);
    try {
      utimesSync(file, later, later);
      expect(hot.hotBundleFresh("sandbox-exec")).to.equal(false);
      const stale = takesFastPath(exec);
      expect(stale.taken).to.equal(false);
      expect(stale.r.stdout).to.equal("hi\n");
    } finally {
      utimesSync(file, atime, mtime);
    }
    const inputs = join(FAST, "sandbox-exec.inputs.json");
    const held = readFileSync(inputs, "utf8");
    const [[first, size], ...rest] = JSON.parse(held) as [string, number][];
    try {
      writeFileSync(inputs, JSON.stringify([[first, size + 1], ...rest]));
      expect(hot.hotBundleFresh("sandbox-exec")).to.equal(false);
    } finally {
      writeFileSync(inputs, held);
    }
    expect(hot.hotBundleFresh("sandbox-exec")).to.equal(true);
  });

  it("is taken for the hot ids in every spelling, never for help, other commands or oclif's own settings", () => {
    const none = { HOME: cli.stateDir };
    expect(hot.hotCommand(["sys-diagnostics", "sandbox-exec", "--enclave", "x"], none)).to.equal("sandbox-exec");
    expect(hot.hotCommand(["engine", "sandbox-start"], none)).to.equal("sandbox-start");
    expect(hot.hotCommand(["sys-diagnostics:sandbox-exec"], none)).to.equal("sandbox-exec");
    expect(hot.hotCommand(["engine:sandbox-start", "--enclave", "x"], none)).to.equal("sandbox-start");
    // oclif shows help for --help anywhere before `--`; after it they are the module's
    expect(hot.hotCommand(["sys-diagnostics", "sandbox-exec", "--help"], none)).to.equal(undefined);
    expect(hot.hotCommand(["sys-diagnostics", "sandbox-exec", "--cmd", "-h"], none)).to.equal(undefined);
    expect(hot.hotCommand(["sys-diagnostics", "sandbox-exec", "--wasm", "t.wasm", "--", "-h"], none)).to.equal("sandbox-exec");
    for (const argv of [
      [],
      ["--version"],
      ["sys-diagnostics", "sandbox-stop"],
      ["sandbox-exec"],
      ["sys-diagnostics:sandbox-exec:x"],
      ["other", "sandbox-exec"],
    ])
      expect(hot.hotCommand(argv, none), argv.join(" ")).to.equal(undefined);
    const settings: Record<string, string>[] = [{ COREASON_NO_FAST_PATH: "1" }, { DEBUG: "*" }, { OCLIF_DISABLE_RC: "1" }, { COREASON_SERVER_DATA_DIR: "/x" }];
    for (const env of settings) expect(hot.hotCommand(["sys-diagnostics", "sandbox-exec"], { ...none, ...env }), JSON.stringify(env)).to.equal(undefined);
  });

  it("is not taken while a user plugin is linked: its hooks run for the hot commands too", function () {
    this.timeout(120000);
    const xdg = { XDG_DATA_HOME: join(cli.stateDir, "data"), XDG_CACHE_HOME: join(cli.stateDir, "xdg-cache"), XDG_CONFIG_HOME: join(cli.stateDir, "config") };
    expect(hot.userPlugins(xdg)).to.equal(false);
    const plugin = join(cli.stateDir, "hook-plugin");
    mkdirSync(plugin, { recursive: true });
    writeFileSync(
      join(plugin, "package.json"),
      JSON.stringify({ name: "hook-plugin", version: "1.0.0", type: "module", oclif: { hooks: { init: "./init.js" } } }),
    );
    writeFileSync(join(plugin, "init.js"), 'export default async function () { process.stderr.write("hook-plugin init\\n"); }\n');
    expect(cli.run(["plugins", "link", plugin, "--no-install"], { env: xdg }).status).to.equal(0);
    try {
      expect(hot.userPlugins(xdg)).to.equal(true);
      const linked = takesFastPath(exec, xdg);
      expect(linked.taken).to.equal(false);
      expect(linked.r.stdout).to.equal("hi\n");
      // (oclif also warns that a linked ES module is not transpiled)
      expect(linked.r.stderr).to.match(/^hook-plugin init$/m);
    } finally {
      expect(cli.run(["plugins", "uninstall", "hook-plugin"], { env: xdg }).status).to.equal(0);
    }
    expect(hot.userPlugins(xdg)).to.equal(false);
    expect(takesFastPath(exec, xdg).taken).to.equal(true);
  });

  const cases: [string, string[]][] = [
    ["an allowed command", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "echo hi; echo err >&2; exit 3"]],
    ["a denied command (77)", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "cat /etc/passwd"]],
    ["a denied command, --json", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--json", "--cmd", "cat /etc/passwd"]],
    ["--json output", ["engine", "sandbox-exec", "--enclave", "OpenShell", "--json", "--cmd", "echo hi"]],
    ["stdin with -i, the colon spelling", ["sys-diagnostics:sandbox-exec", "--enclave", "OpenShell", "-i", "--cmd", "wc -l"]],
    ["a missing required flag", ["sys-diagnostics", "sandbox-exec", "--cmd", "true"]],
    ["an unknown flag", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--bogus"]],
    ["an unknown flag, --json", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--bogus", "--json"]],
    ["a flag without its value", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd"]],
    ["--help", ["sys-diagnostics", "sandbox-exec", "--help"]],
    ["an empty --cmd", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", " "]],
    ["an instance that is not running", ["sys-diagnostics", "sandbox-exec", "--enclave", "nope", "--cmd", "true"]],
    ["a start of a running instance", ["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell"]],
    ["a start of an unknown enclave, --json", ["engine", "sandbox-start", "--enclave", "NoSuchEnclave", "--json"]],
    ["a start with an unknown flag", ["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--bogus"]],
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

  it("gives the ordinary path's results for a --wasm module not yet in the module cache: the guard's template is built with binaryen", function () {
    this.timeout(120000);
    // -w gives the guard a start directory, a configuration no prebuilt template has
    const argv = [
      "sys-diagnostics",
      "sandbox-exec",
      "--enclave",
      "OpenShell",
      "--json",
      "-w",
      "/workspace/sub",
      "--wasm",
      join(ROOT, "dist", "guest", "fixtures", "hello.wasm"),
    ];
    const run = (env: Record<string, string>) => {
      rmSync(moduleCache, { recursive: true, force: true });
      const r = takesFastPath(argv, env);
      const templates = readdirSync(moduleCache).filter((f) => f.startsWith("template-"));
      return { ...r, templates: templates.map((f) => readFileSync(join(moduleCache, f)).toString("base64")) };
    };
    const fast = run({});
    const ordinary = run({ COREASON_NO_FAST_PATH: "1" });
    expect(fast.taken).to.equal(true);
    expect(ordinary.taken).to.equal(false);
    expect(fast.r.status, fast.r.stderr).to.equal(0);
    expect(JSON.parse(fast.r.stdout).stdout).to.equal("fixture ok\n");
    expect(fast.r.status).to.equal(ordinary.r.status);
    expect(normalise(fast.r.stdout)).to.equal(normalise(ordinary.r.stdout));
    expect(fast.r.stderr).to.equal(ordinary.r.stderr);
    // built on the miss, by each path, byte for byte the same
    expect(fast.templates).to.have.length(1);
    expect(fast.templates).to.deep.equal(ordinary.templates);
  });
});
