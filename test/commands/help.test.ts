import { expect } from "chai";
import { CliSandbox } from "../helpers/cli.js";

describe("help and the hidden sys-diagnostics topic", () => {
  const cli = new CliSandbox();
  after(() => cli.cleanup());

  it("root --help does not list sys-diagnostics or its commands", () => {
    const r = cli.run(["--help"]);
    expect(r.status).to.equal(0);
    expect(r.stdout).not.to.match(/sys-diagnostics|sandbox-/);
  });

  it("sys-diagnostics --help lists every command", () => {
    const r = cli.run(["sys-diagnostics", "--help"]);
    expect(r.status).to.equal(0);
    for (const c of ["sandbox-start", "sandbox-exec", "sandbox-stop", "sandbox-list", "sandbox-audit"]) expect(r.stdout).to.include(c);
  });

  it("a command's help documents the exit codes", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-exec", "--help"]);
    expect(r.stdout).to.include("EXIT CODES");
    for (const code of ["77", "78", "124", "125", "126", "127"]) expect(r.stdout).to.match(new RegExp(`\\b${code}\\b`));
  });

  it("every command of this package has one EXIT CODES section, from its static table; oclif's plugins' commands none", () => {
    const sections = (args: string[]) =>
      cli
        .run([...args, "--help"])
        .stdout.split("\n")
        .filter((l) => l === "EXIT CODES").length;
    for (const cmd of [
      ["sys-diagnostics", "sandbox-start"],
      ["sys-diagnostics", "sandbox-list"],
      ["authority", "issue"],
      ["serve"],
      ["engine", "sandbox-exec"],
    ])
      expect(sections(cmd), cmd.join(" ")).to.equal(1);
    const probe = cli.run(["sys-diagnostics", "sandbox-probe", "--help"]).stdout;
    expect(probe.slice(probe.indexOf("EXIT CODES"))).to.match(
      /^EXIT CODES\n {2}0 +every probe held and every control passed\n {2}1 +a probe breached or a control failed\n/,
    );
    expect(probe, "the probe's own table, not the exec table").not.to.include("the guest ran past its timeout");
    expect(sections(["plugins", "link"])).to.equal(0);
  });

  it("an unknown command, or an argument a command does not take: one line and a hint, exit 2", () => {
    const nope = cli.run(["sys-diagnostics", "sandbox-nope"]);
    expect(nope.status).to.equal(2);
    expect(nope.stderr).to.equal("Error: command sys-diagnostics sandbox-nope not found\nHint: see coreason-server sys-diagnostics --help\n");
    const r = cli.run(["sys-diagnostics", "sandbox-list", "extra"]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal("Error: command sys-diagnostics sandbox-list extra not found\nHint: see coreason-server sys-diagnostics --help\n");
  });

  // oclif's own parser errors span several lines and carry "›" marks: ours are one line.
  const usage: [string, string[], string][] = [
    ["a missing required flag", ["sys-diagnostics", "sandbox-stop"], "Missing required flag enclave"],
    ["neither --enclave nor --definition", ["sys-diagnostics", "sandbox-start"], "Exactly one of the following must be provided: --definition, --enclave"],
    ["a flag without its value", ["sys-diagnostics", "sandbox-start", "--enclave"], "Flag --enclave expects a value"],
    [
      "a non-integer",
      ["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--memory-pages", "abc"],
      "Parsing --memory-pages: Expected an integer but received: abc",
    ],
    ["an unknown flag", ["sys-diagnostics", "sandbox-list", "--bogus"], "Nonexistent flag: --bogus"],
    ["a flag given twice", ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "a", "--cmd", "b"], "Flag --cmd can only be specified once"],
    [
      "two problems at once",
      ["sys-diagnostics", "sandbox-exec", "-t", "--cmd", "a"],
      "--tty=true cannot also be provided when using --cmd; Missing required flag enclave",
    ],
  ];
  for (const [what, args, message] of usage) {
    it(`usage error, ${what}: one line naming it, a hint, exit 2 (and the JSON error shape with --json)`, () => {
      const r = cli.run(args);
      expect(r.status).to.equal(2);
      const id = args
        .filter((a) => !a.startsWith("-") && /^[a-z-]+$/.test(a))
        .slice(0, 2)
        .join(" ");
      expect(r.stderr).to.equal(`Error: ${message}\nHint: see coreason-server ${id} --help\n`);
      const j = cli.run([...args, "--json"]);
      expect(j.status).to.equal(2);
      expect(JSON.parse(j.stdout)).to.deep.equal({ error: { code: "USAGE", message, exit: 2 } });
    });
  }
});
