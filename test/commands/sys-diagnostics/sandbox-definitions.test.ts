// Plugins that bring enclaves, end to end through bin/run.js: `plugins link` of the
// example plugin makes its definition usable at once (booted, and `cat /etc/passwd`
// denied with 77); COREASON_ENCLAVE_PATH and --definition FILE; sandbox-definitions
// says where each comes from; conflicts and bad plugin definitions are refused.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { parse, stringify } from "yaml";
import { CliSandbox, expectCleanError, expectSchema, ROOT } from "../../helpers/cli.js";

const EXAMPLE = join(ROOT, "examples", "hello-enclave");

describe("enclave definitions from plugins, COREASON_ENCLAVE_PATH and --definition", () => {
  const cli = new CliSandbox();
  // plugins live in oclif's data dir: one per suite
  const xdg = { XDG_DATA_HOME: join(cli.stateDir, "data"), XDG_CACHE_HOME: join(cli.stateDir, "cache"), XDG_CONFIG_HOME: join(cli.stateDir, "config") };
  const run = (args: string[], env: Record<string, string> = {}) => cli.run(args, { env: { ...xdg, ...env } });
  const definitions = (env: Record<string, string> = {}) => {
    const r = run(["sys-diagnostics", "sandbox-definitions", "--json"], env);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/sys-diagnostics-sandbox-definitions.json", doc);
    return { status: r.status, doc, stderr: r.stderr };
  };
  after(() => {
    for (const name of ["Hello", "Mine"]) run(["sys-diagnostics", "sandbox-stop", "--enclave", name]);
    cli.cleanup();
  });

  /** A plugin package in the suite's temp dir: one definition, the example's module. */
  function plugin(name: string, def: string, edit: (d: Record<string, unknown>) => void, module = join(EXAMPLE, "dist", "hello.wasm")): string {
    const root = join(cli.stateDir, name);
    mkdirSync(join(root, "enclaves"), { recursive: true });
    mkdirSync(join(root, "dist"), { recursive: true });
    copyFileSync(module, join(root, "dist", "hello.wasm"));
    writeFileSync(join(root, "package.json"), JSON.stringify({ name, version: "1.0.0", oclif: {}, coreason: { enclaves: "enclaves" } }));
    const d = { ...parse(readFileSync(join(EXAMPLE, "enclaves", "Hello.yaml"), "utf8")), name: def };
    edit(d);
    writeFileSync(join(root, "enclaves", `${def}.yaml`), stringify(d));
    return root;
  }

  it("lists the built-in definition with its source", () => {
    const { status, doc } = definitions();
    expect(status).to.equal(0);
    expect(doc).to.deep.equal({
      definitions: [
        {
          name: "OpenShell",
          source: "built-in",
          file: join(ROOT, "enclaves", "OpenShell.yaml"),
          description: "POSIX shell and core utilities in WebAssembly, built from guest/openshell",
        },
      ],
      problems: [],
    });
    const human = run(["sys-diagnostics", "sandbox-definitions"]);
    expect(human.stdout).to.match(/^NAME\s+SOURCE\s+STATUS\s+FILE\nOpenShell\s+built-in\s+ok\s+\S+OpenShell\.yaml\n$/);
  });

  it("plugins link of the example plugin: its enclave boots at once and denies cat /etc/passwd (77)", () => {
    const link = run(["plugins", "link", EXAMPLE, "--no-install"]);
    expect(link.status, link.stderr).to.equal(0);
    const listed = run(["plugins"]);
    expect(listed.stdout).to.include("coreason-plugin-hello 0.1.0 (link)");
    const { status, doc } = definitions();
    expect(status).to.equal(0);
    expect(doc.definitions.find((d: { name: string }) => d.name === "Hello")).to.deep.include({
      source: "plugin",
      origin: "coreason-plugin-hello",
      file: join(EXAMPLE, "enclaves", "Hello.yaml"),
    });
    const start = run(["sys-diagnostics", "sandbox-start", "--enclave", "Hello", "--json"]);
    expect(start.status, start.stderr).to.equal(0);
    expect(JSON.parse(start.stdout)).to.include({ enclave: "Hello", definition: "Hello", memoryPages: 64 });
    const denied = run(["engine", "sandbox-exec", "--enclave", "Hello", "--cmd", "cat /etc/passwd"]);
    expect(denied.status, denied.stderr).to.equal(77);
    expect(denied.stdout).to.equal("DENIED open /etc/passwd: Permission denied (filesystem_policy: not granted)\n");
    expect(denied.stderr).to.include("cat: /etc/passwd: Permission denied");
    // positive control: what the plugin's policy grants is readable
    const granted = run(["sys-diagnostics", "sandbox-exec", "--enclave", "Hello", "--cmd", "cat /etc/motd"]);
    expect([granted.status, granted.stdout]).to.deep.equal([0, "hello from a plugin's enclave\n"]);
    expect(run(["sys-diagnostics", "sandbox-stop", "--enclave", "Hello"]).status).to.equal(0);
  });

  it("the same name from a second source is an error naming both (78), and is not started", () => {
    const { status, doc } = definitions({ COREASON_ENCLAVE_PATH: EXAMPLE });
    expect(status).to.equal(78);
    const hellos = doc.definitions.filter((d: { name: string }) => d.name === "Hello");
    expect(hellos.map((d: { source: string }) => d.source)).to.deep.equal(["plugin", "path"]);
    for (const h of hellos)
      expect(h.error).to.match(/^enclave 'Hello' is defined by 2 sources: plugin coreason-plugin-hello \(.*\) and COREASON_ENCLAVE_PATH /);
    const human = run(["sys-diagnostics", "sandbox-definitions"], { COREASON_ENCLAVE_PATH: EXAMPLE });
    expect(human.status).to.equal(78);
    expect(human.stdout).to.match(/^Hello\s+plugin coreason-plugin-hello\s+error\s/m);
    expect(human.stderr).to.match(/^Hello: enclave 'Hello' is defined by 2 sources: plugin coreason-plugin-hello \(.*\) and COREASON_ENCLAVE_PATH /m);
    expectCleanError(run(["sys-diagnostics", "sandbox-start", "--enclave", "Hello"], { COREASON_ENCLAVE_PATH: EXAMPLE }), 78, /defined by 2 sources/);
  });

  it("plugins uninstall removes its definitions", () => {
    expect(run(["plugins", "uninstall", "coreason-plugin-hello"]).status).to.equal(0);
    expect(definitions().doc.definitions.map((d: { name: string }) => d.name)).to.deep.equal(["OpenShell"]);
  });

  it("plugins install file:TARBALL works offline and brings the definitions too", () => {
    const pack = spawnSync("npm", ["pack", "--pack-destination", cli.stateDir], { cwd: EXAMPLE, encoding: "utf8" });
    expect(pack.status, pack.stderr).to.equal(0);
    const tgz = join(cli.stateDir, pack.stdout.trim().split("\n").pop()!);
    const install = run(["plugins", "install", `file:${tgz}`]);
    expect(install.status, install.stderr).to.equal(0);
    try {
      const hello = definitions().doc.definitions.find((d: { name: string }) => d.name === "Hello");
      expect(hello).to.deep.include({
        source: "plugin",
        origin: "coreason-plugin-hello",
        file: join(xdg.XDG_DATA_HOME, "coreason-server", "node_modules", "coreason-plugin-hello", "enclaves", "Hello.yaml"),
      });
      expect(hello).not.to.have.property("error");
    } finally {
      expect(run(["plugins", "uninstall", "coreason-plugin-hello"]).status).to.equal(0);
    }
  });

  it("COREASON_ENCLAVE_PATH alone makes the package's definitions known", () => {
    const { status, doc } = definitions({ COREASON_ENCLAVE_PATH: `/nonexistent-dir:${EXAMPLE}` });
    expect(doc.definitions.find((d: { name: string }) => d.name === "Hello")).to.deep.include({ source: "path", origin: EXAMPLE });
    expect(doc.problems).to.deep.equal(["COREASON_ENCLAVE_PATH /nonexistent-dir: cannot read /nonexistent-dir (ENOENT)"]);
    expect(status, "an unreadable source is reported").to.equal(78);
  });

  it("a definition that would replace the built-in is refused, naming both", () => {
    const root = plugin("shadow-plugin", "OpenShell", () => {});
    expect(run(["plugins", "link", root, "--no-install"]).status).to.equal(0);
    try {
      const r = run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell"]);
      expectCleanError(r, 78, /enclave 'OpenShell' is defined by 2 sources: built-in \(.*enclaves\/OpenShell\.yaml\) and plugin shadow-plugin/);
    } finally {
      run(["plugins", "uninstall", "shadow-plugin"]);
    }
  });

  it("a plugin's definition is validated and its module admitted like a built-in's", () => {
    const badPolicy = plugin(
      "bad-policy-plugin",
      "BadPolicy",
      (d) => ((d.policy as { filesystem_policy: { read_write: string[] } }).filesystem_policy.read_write = ["/"]),
    );
    const wasix = plugin("wasix-plugin", "Wasix", () => {}, join(ROOT, "dist", "guest", "fixtures", "wasix-import.wasm"));
    for (const root of [badPolicy, wasix]) expect(run(["plugins", "link", root, "--no-install"]).status).to.equal(0);
    try {
      expectCleanError(run(["sys-diagnostics", "sandbox-start", "--enclave", "BadPolicy"]), 78, /read_write\/0: must not be "\/"/);
      expectCleanError(run(["sys-diagnostics", "sandbox-start", "--enclave", "Wasix"]), 125, /wasix_32v1/);
    } finally {
      for (const p of ["bad-policy-plugin", "wasix-plugin"]) run(["plugins", "uninstall", p]);
    }
  });

  it("sandbox-start --definition FILE boots a file outside every source; its paths are relative to it", () => {
    const root = plugin("loose", "Mine", () => {});
    const file = join(root, "Mine.yaml"); // next to dist/, so module: dist/hello.wasm resolves
    copyFileSync(join(root, "enclaves", "Mine.yaml"), file);
    const r = run(["sys-diagnostics", "sandbox-start", "--definition", file, "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.include({ enclave: "Mine", definition: "Mine" });
    const hello = run(["sys-diagnostics", "sandbox-exec", "--enclave", "Mine", "--cmd", "hello"]);
    expect([hello.status, hello.stdout]).to.deep.equal([0, "hello from a plugin's enclave\n"]);
    expect(run(["sys-diagnostics", "sandbox-stop", "--enclave", "Mine"]).status).to.equal(0);
    expectCleanError(
      run(["sys-diagnostics", "sandbox-start", "--definition", join(root, "enclaves", "Mine.yaml")]),
      125,
      /guest module .*enclaves\/dist\/hello\.wasm is missing/,
    );
    expectCleanError(run(["sys-diagnostics", "sandbox-start", "--definition", file, "--enclave", "OpenShell"]), 2, /--enclave|--definition/);
  });

  it("a definition's command list that is missing or malformed is a one-line error naming the file (125, 78)", () => {
    const root = plugin("cmdlist", "Cmds", (d) => (d.commands = "dist/commands.json"));
    const file = join(root, "Cmds.yaml");
    copyFileSync(join(root, "enclaves", "Cmds.yaml"), file);
    const start = () => run(["sys-diagnostics", "sandbox-start", "--definition", file]);
    expectCleanError(start(), 125, /enclave Cmds: command list .*dist\/commands\.json is missing, named by --definition \(/);
    writeFileSync(join(root, "dist", "commands.json"), "[not json");
    expectCleanError(start(), 78, /command list .*commands\.json is not valid JSON/);
    writeFileSync(join(root, "dist", "commands.json"), JSON.stringify(["ok", "../bin/x"]));
    expectCleanError(start(), 78, /must be a JSON array of command names/);
    // positive control: a good list boots, and its commands are there
    writeFileSync(join(root, "dist", "commands.json"), JSON.stringify(["hello", "extra"]));
    expect(start().status).to.equal(0);
    expect(run(["sys-diagnostics", "sandbox-stop", "--enclave", "Cmds"]).status).to.equal(0);
  });
});
