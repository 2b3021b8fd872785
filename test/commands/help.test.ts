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

  it("an unknown subcommand is oclif's usual error, exit 2", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-nope"]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/not found/i);
  });
});
