// Messages that lead somewhere: one Error: line, Hint: lines that spell whole commands
// and only ever name things that exist, the USAGE document under --json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema } from "../helpers/cli.js";

describe("messages that lead somewhere", () => {
  const cli = new CliSandbox();
  after(() => cli.cleanup());

  for (const topic of ["sys-diagnostics", "engine"]) {
    it(`an unknown command under ${topic} hints at sys-diagnostics --help (2); --json gives the USAGE document`, () => {
      const r = cli.run([topic, "sandbox-nope", "--enclave", "OpenShell"]);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.equal(`Error: command ${topic} sandbox-nope not found\nHint: see coreason-server sys-diagnostics --help\n`);
      const j = cli.run([topic, "sandbox-nope", "--json"]);
      expect(j.status).to.equal(2);
      const doc = JSON.parse(j.stdout);
      expectSchema("output/error.json", doc);
      expect(doc.error).to.deep.equal({ code: "USAGE", message: `command ${topic} sandbox-nope not found`, exit: 2 });
    });
  }

  it("a misspelt command suggests the nearest one, spelled in full", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-strat"]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include("Hint: did you mean coreason-server sys-diagnostics sandbox-start?\n");
    expect(cli.run(["authority", "lst"]).stderr).to.include("Hint: did you mean coreason-server authority list?\n");
  });

  it("oclif's own errors take the same form: engine --help works, a root-level sandbox-start --help leads to the topic", () => {
    expect(cli.run(["engine", "--help"]).status).to.equal(0);
    const r = cli.run(["sandbox-start", "--help"]);
    expectCleanError(
      r,
      2,
      /^Error: command sandbox-start not found\nHint: did you mean coreason-server sys-diagnostics sandbox-start\?\nHint: see coreason-server sys-diagnostics --help\n$/,
    );
    expect(r.stderr).not.to.include("›");
    const j = cli.run(["nope", "--help", "--json"]);
    expect(j.status).to.equal(2);
    expectSchema("output/error.json", JSON.parse(j.stdout));
  });

  it("sandbox-start --enclave ../etc is a usage error (2), as in every other command", () => {
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "../etc"]), 2, /invalid enclave name '\.\.\/etc'/);
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "../etc"]), 2, /invalid enclave name/);
  });

  it("an unknown definition suggests the nearest known one, never the unknown name", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShel"]);
    expectCleanError(r, 125, /unknown enclave 'OpenShel'; known enclaves: OpenShell/);
    expect(r.stderr).to.include("Hint: did you mean coreason-server sys-diagnostics sandbox-start --enclave OpenShell?");
    const far = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "Zebra"]);
    expect(far.status).to.equal(125);
    expect(far.stderr).not.to.include("--enclave Zebra");
    expect(far.stderr).to.include("Hint: coreason-server sys-diagnostics sandbox-definitions lists every definition");
  });

  it("an instance that is not running: the hint starts a definition that exists, in full", () => {
    const known = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "true"]);
    expectCleanError(known, 125, /enclave OpenShell is not running/);
    expect(known.stderr).to.include("Hint: start it with coreason-server sys-diagnostics sandbox-start --enclave OpenShell\n");
    const unknown = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "Zebra", "--cmd", "true"]);
    expect(unknown.status).to.equal(125);
    expect(unknown.stderr).not.to.match(/sandbox-start --enclave Zebra/);
    expect(unknown.stderr).to.include("coreason-server sys-diagnostics sandbox-list");
  });

  it("a policy file is checked in one pass: schema errors and path-rule errors together, each with its pointer", () => {
    const file = join(cli.stateDir, "mixed.yaml");
    writeFileSync(file, "version: 1\nfilesystem_policy:\n  read_only: [bin]\n  read_write: [/]\non_violation: kill\nextra: 1\n");
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--policy", file, "--json"]);
    expect(r.status).to.equal(78);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/error.json", doc);
    const v: string[] = doc.error.violations;
    expect(
      v.some((x) => x.startsWith("/: unknown field 'extra'")),
      v.join("; "),
    ).to.equal(true);
    expect(
      v.some((x) => x.startsWith("/on_violation: must be one of")),
      v.join("; "),
    ).to.equal(true);
    expect(
      v.some((x) => x.startsWith("/filesystem_policy/read_only/0: must be an absolute path")),
      v.join("; "),
    ).to.equal(true);
    expect(
      v.some((x) => x.startsWith('/filesystem_policy/read_write/0: must not be "/"')),
      v.join("; "),
    ).to.equal(true);
  });

  it("a YAML syntax error names the problem without a dangling colon", () => {
    const file = join(cli.stateDir, "broken.yaml");
    writeFileSync(file, "version: [1\n");
    const r = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--policy", file]);
    expectCleanError(r, 78, /not valid YAML or JSON: .*at line 2, column 1\n/);
    const line = r.stderr.split("\n")[0];
    expect(line).not.to.match(/:\s*$/);
  });

  it("authority list with a corrupt signing key exits 78, as documented", () => {
    const dir = join(cli.stateDir, "authority");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "signing-key.json"), "{not json", { mode: 0o600 });
    const r = cli.run(["authority", "list"]);
    expectCleanError(r, 78, /authority key .* is corrupt/);
    expect(r.stderr).to.include("Hint: replace it with coreason-server authority init --force");
    const j = cli.run(["authority", "list", "--json"]);
    expect(j.status).to.equal(78);
    expect(JSON.parse(j.stdout).error).to.include({ code: "AUTHORITY_CORRUPT", exit: 78 });
  });
});
