// `engine` is the original report's spelling of the sys-diagnostics topic: every
// sandbox-* command answers under it with the same flags and output, and it is as
// hidden from root --help as sys-diagnostics.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectSchema, ROOT } from "../../helpers/cli.js";

const manifest = JSON.parse(readFileSync(join(ROOT, "oclif.manifest.json"), "utf8")) as {
  commands: Record<string, { aliases: string[]; flags: Record<string, unknown> }>;
};
const diagnostics = Object.keys(manifest.commands).filter((id) => id.startsWith("sys-diagnostics:"));

describe("engine (alias topic of sys-diagnostics)", () => {
  const cli = new CliSandbox();
  after(() => {
    cli.run(["engine", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
  });

  it("every sys-diagnostics command has its engine alias (a new command without one fails here)", () => {
    expect(diagnostics.length).to.be.at.least(7);
    for (const id of diagnostics) expect(manifest.commands[id].aliases, id).to.deep.equal([id.replace("sys-diagnostics:", "engine:")]);
  });

  it("is hidden from root --help, like sys-diagnostics; engine --help lists every command", () => {
    const root = cli.run(["--help"]);
    expect(root.status).to.equal(0);
    expect(root.stdout).not.to.match(/^\s+engine\b/m); // "serve  Serve the engine over HTTP" is fine
    expect(root.stdout).not.to.match(/sys-diagnostics/);
    const topic = cli.run(["engine", "--help"]);
    expect(topic.status, topic.stderr).to.equal(0);
    for (const id of diagnostics) expect(topic.stdout).to.include(id.replace("sys-diagnostics:", "engine "));
  });

  it("engine sandbox-start --help has the same flags as the sys-diagnostics one", () => {
    const a = cli.run(["engine", "sandbox-start", "--help"]);
    const b = cli.run(["sys-diagnostics", "sandbox-start", "--help"]);
    expect(a.status).to.equal(0);
    expect(a.stdout).to.include("$ coreason-server engine sandbox-start");
    const flags = (s: string) => [...s.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]).sort();
    expect(flags(a.stdout)).to.deep.equal(flags(b.stdout));
    expect(flags(a.stdout)).to.include.members(["--enclave", "--memory-pages", "--definition"]);
  });

  it("the report's commands work as written: start with --memory-pages 128, cat /etc/passwd denied (77)", () => {
    const start = cli.run(["engine", "sandbox-start", "--enclave", "OpenShell", "--memory-pages", "128", "--json"]);
    expect(start.status, start.stderr).to.equal(0);
    const doc = JSON.parse(start.stdout);
    expectSchema("output/sys-diagnostics-sandbox-start.json", doc);
    expect(doc).to.include({ enclave: "OpenShell", memoryPages: 128 });
    const viaEngine = cli.run(["engine", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "cat /etc/passwd"]);
    const viaDiag = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "cat /etc/passwd"]);
    expect(viaEngine.status).to.equal(77);
    expect(viaEngine.stdout).to.equal("DENIED open /etc/passwd: Permission denied (filesystem_policy: not granted)\n");
    expect([viaEngine.status, viaEngine.stdout, viaEngine.stderr]).to.deep.equal([viaDiag.status, viaDiag.stdout, viaDiag.stderr]);
    const list = JSON.parse(cli.run(["engine", "sandbox-list", "--json"]).stdout);
    expectSchema("output/sys-diagnostics-sandbox-list.json", list);
    expect(list.instances.map((i: { name: string }) => i.name)).to.deep.equal(["OpenShell"]);
    const stop = cli.run(["engine", "sandbox-stop", "--enclave", "OpenShell"]);
    expect(stop.status, stop.stderr).to.equal(0);
  });

  it("a parse error under engine points at the command's help", () => {
    const r = cli.run(["engine", "sandbox-start", "--enclave", "OpenShell", "--memory-pages", "abc"]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^Error: Parsing --memory-pages.*\nHint: see coreason-server sys-diagnostics sandbox-start --help\n$/);
  });
});
