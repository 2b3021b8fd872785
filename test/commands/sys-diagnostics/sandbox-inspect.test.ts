// sandbox-inspect: attestation of what runs, checked against the files it describes.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema, ROOT } from "../../helpers/cli.js";

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const POLICY = {
  version: 1,
  filesystem_policy: { include_workdir: true, read_only: ["/bin", "/usr", "/etc/os-release"], read_write: ["/workspace", "/tmp", "/dev/null"] },
  network: { mode: "disabled" },
  limits: { memory_pages: 512, timeout_ms: 20000, output_bytes: 1048576 },
  on_violation: "deny",
};

describe("sys-diagnostics sandbox-inspect", () => {
  const cli = new CliSandbox();
  let started: Record<string, unknown>;
  before(() => {
    const file = join(cli.stateDir, "policy.json");
    writeFileSync(file, JSON.stringify(POLICY));
    started = cli.start("OpenShell", ["--policy", file]) as unknown as Record<string, unknown>;
  });
  after(() => cli.cleanup());
  const inspect = () => {
    const r = cli.run(["sys-diagnostics", "sandbox-inspect", "--enclave", "OpenShell", "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/sys-diagnostics-sandbox-inspect.json", doc);
    return doc;
  };

  it("the effective policy and the digest sandbox-start printed, the limits, the versions", () => {
    const doc = inspect();
    expect(doc.policyDigest).to.equal(started.policyDigest);
    expect(doc.policy).to.deep.equal(POLICY);
    expect(doc.limits).to.deep.equal({ memoryPages: 512, timeoutMs: 20000, outputBytes: 1048576 });
    expect(doc).to.include({ enclave: "OpenShell", definition: "OpenShell", pid: started.pid });
    expect(doc.instrumenterVersion).to.be.a("number");
  });

  it("the guest module: its sha256, the instrumented module's, and which imports the guard stands in front of", () => {
    const [guest] = inspect().modules;
    const launch = JSON.parse(readFileSync(join(cli.stateDir, "instances", "OpenShell", "launch.json"), "utf8"));
    expect(guest).to.include({ role: "guest", sha256: sha256(join(ROOT, "dist", "guest", "openshell.wasm")), instrumentedSha256: sha256(launch.modulePath) });
    const byName = Object.fromEntries(guest.imports.map((i: { name: string; guarded: boolean }) => [i.name, i.guarded]));
    expect(byName).to.include({ path_open: true, fd_readdir: true, fd_write: false, fd_read: false });
  });

  it("counts execs and violations, and lists each --wasm module admitted, once", () => {
    const before = inspect();
    expect(cli.exec("cat /etc/passwd").status).to.equal(77);
    const hello = join(ROOT, "dist", "guest", "fixtures", "hello.wasm");
    for (let i = 0; i < 2; i++) expect(cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--wasm", hello]).status).to.equal(0);
    const after = inspect();
    expect(after.execCount).to.equal(before.execCount + 3);
    expect(after.violationCount).to.equal(before.violationCount + 1);
    const execs = after.modules.filter((m: { role: string }) => m.role === "exec");
    expect(execs).to.have.length(1);
    expect(execs[0]).to.include({ label: hello, sha256: sha256(hello) });
  });

  it("human output names the digest and the guarded imports", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-inspect", "--enclave", "OpenShell"]);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.include(`policy:       ${started.policyDigest}`);
    expect(r.stdout).to.match(/guarded .*path_open/);
  });

  it("an instance of a --definition FILE (in no catalogue) is inspected too: its guest as started", () => {
    const dir = join(cli.stateDir, "loose");
    mkdirSync(join(dir, "dist", "guest"), { recursive: true });
    for (const f of ["openshell.wasm", "openshell.commands.json"]) copyFileSync(join(ROOT, "dist", "guest", f), join(dir, "dist", "guest", f));
    const yaml = readFileSync(join(ROOT, "enclaves", "OpenShell.yaml"), "utf8").replace(/^name: .*$/m, "name: Loose");
    writeFileSync(join(dir, "Loose.yaml"), yaml);
    expect(cli.run(["sys-diagnostics", "sandbox-start", "--definition", join(dir, "Loose.yaml")]).status).to.equal(0);
    try {
      const r = cli.run(["sys-diagnostics", "sandbox-inspect", "--enclave", "Loose", "--json"]);
      expect(r.status, r.stderr).to.equal(0);
      const doc = JSON.parse(r.stdout);
      expectSchema("output/sys-diagnostics-sandbox-inspect.json", doc);
      expect(doc).to.include({ enclave: "Loose", definition: "Loose" });
      expect(doc.modules[0]).to.include({
        role: "guest",
        label: "enclave Loose module dist/guest/openshell.wasm",
        sha256: sha256(join(dir, "dist", "guest", "openshell.wasm")),
      });
    } finally {
      cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "Loose"]);
    }
  });

  it("an instance that is not running: 125, one line", () => {
    expectCleanError(cli.run(["sys-diagnostics", "sandbox-inspect", "--enclave", "Nope"]), 125, /^Error: enclave Nope is not running$/m);
  });
});
