// The library API, as a plugin author or a test suite imports it: the package's own
// name, through package.json's exports (the built dist/index.js and its types).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { expectSchema, ROOT } from "./helpers/cli.js";

describe("the library API (import 'coreason-server')", () => {
  const state = mkdtempSync(join(tmpdir(), "coreason-lib-"));
  let saved: string | undefined;
  before(() => {
    saved = process.env.COREASON_STATE_DIR;
    process.env.COREASON_STATE_DIR = state;
  });
  after(async () => {
    const api = await import("coreason-server");
    await api.stopInstance("lib-test").catch(() => {});
    if (saved === undefined) delete process.env.COREASON_STATE_DIR;
    else process.env.COREASON_STATE_DIR = saved;
    rmSync(state, { recursive: true, force: true });
  });

  it("start, exec (script, stdin, denial), list, audit, stop: the CLI's documents", async () => {
    const api = await import("coreason-server");
    const started = await api.startInstance({ enclave: "OpenShell", name: "lib-test", memoryPages: 128 });
    expectSchema("output/sys-diagnostics-sandbox-start.json", started);
    expect(started).to.include({ enclave: "lib-test", definition: "OpenShell", memoryPages: 128 });
    const ok = await api.execInInstance({ enclave: "lib-test", script: "wc -l", stdin: "a\nb\n" });
    expectSchema("output/sys-diagnostics-sandbox-exec.json", ok);
    expect(ok).to.include({ exitCode: 0, reason: "exited" });
    expect(ok.stdout.trim()).to.equal("2");
    const denied = await api.execInInstance({ enclave: "lib-test", script: "cat /etc/passwd" });
    expect(denied).to.include({ exitCode: api.ExitCode.POLICY_DENIED, reason: "denied" });
    expect((await api.listInstances()).map((i) => i.name)).to.include("lib-test");
    const inspected = await api.inspectInstance("lib-test");
    expectSchema("output/sys-diagnostics-sandbox-inspect.json", inspected);
    expect(inspected.policyDigest).to.equal(started.policyDigest);
    expect(api.readAudit("lib-test").map((r) => r.path)).to.deep.equal(["/etc/passwd"]);
    expect(await api.stopInstance("lib-test")).to.include({ name: "lib-test", stopped: true });
  });

  it("failures are EngineError with a code", async () => {
    const api = await import("coreason-server");
    const e = await api.execInInstance({ enclave: "not-running", script: "true" }).catch((x: unknown) => x);
    expect(api.isEngineError(e)).to.equal(true);
    expect(e).to.be.instanceOf(api.EngineError);
    expect((e as InstanceType<typeof api.EngineError>).code).to.equal("ENCLAVE_NOT_RUNNING");
    expect(() => api.execInInstance({ enclave: "x" })).to.throw(TypeError, /exactly one of script and wasm/);
  });

  it("a package registered by the library brings its definitions, which then start like a built-in", async () => {
    const api = await import("coreason-server");
    const example = join(ROOT, "examples", "hello-enclave");
    expect(api.listDefinitions().definitions.map((d) => d.name)).to.deep.equal(["OpenShell"]);
    api.registerDefinitionPackages([{ name: "coreason-plugin-hello", root: example }]);
    try {
      expect(api.listDefinitions().definitions.find((d) => d.name === "Hello")).to.deep.include({ source: "plugin", origin: "coreason-plugin-hello" });
      await api.startInstance({ enclave: "Hello", name: "lib-hello" });
      const denied = await api.execInInstance({ enclave: "lib-hello", script: "cat /etc/passwd" });
      expect(denied.exitCode).to.equal(77);
      const granted = await api.execInInstance({ enclave: "lib-hello", script: "cat /etc/motd" });
      expect([granted.exitCode, granted.stdout]).to.deep.equal([0, "hello from a plugin's enclave\n"]);
    } finally {
      await api.stopInstance("lib-hello").catch(() => {});
      api.registerDefinitionPackages([]);
    }
    expect(api.listDefinitions().definitions.map((d) => d.name)).to.deep.equal(["OpenShell"]);
  });

  it("exposes no switch that runs a module without the guard", async () => {
    const api = await import("coreason-server");
    const src = api.startInstance.toString() + api.runProbe.toString();
    expect(src).not.to.match(/unguarded|unsafeDisableGuard/);
  });
});
