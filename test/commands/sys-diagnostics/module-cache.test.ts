// The module cache bound end to end: with COREASON_MODULE_CACHE_BYTES=0 nothing stays
// in the state directory's cache, yet an instance (across a worker recycle) and a
// --wasm exec still run, since each holds its module itself.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, ROOT } from "../../helpers/cli.js";

const fixture = (name: string) => join(ROOT, "dist", "guest", "fixtures", `${name}.wasm`);

describe("module cache bound (COREASON_MODULE_CACHE_BYTES)", () => {
  const cli = new CliSandbox();
  const env = { COREASON_MODULE_CACHE_BYTES: "0" };
  const cacheEntries = () => readdirSync(join(cli.stateDir, "cache", "modules")).filter((n) => n.endsWith(".wasm"));
  const dir = join(cli.stateDir, "instances", "OpenShell");
  after(() => {
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
  });

  it("cap 0: the cache keeps nothing, and the instance and --wasm execs still run, also after a worker recycle", () => {
    // 200 pages: not the prebuilt default, so its capped module is written to the state cache
    const start = cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--memory-pages", "200", "--json"], { env });
    expect(start.status, start.stderr).to.equal(0);
    expect(cacheEntries(), "nothing cached past the cap").to.deep.equal([]);
    expect(existsSync(join(dir, "module.wasm")), "the instance holds its own module").to.equal(true);
    const wasm = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--wasm", fixture("hello")], { env });
    expect(wasm.status, wasm.stderr).to.equal(0);
    expect(wasm.stdout).to.equal("fixture ok\n");
    expect(cacheEntries()).to.deep.equal([]);
    expect(readdirSync(join(dir, "held")), "an exec's hold ends with its answer").to.deep.equal([]);
    // a runaway guest recycles the worker, which loads the module again
    expect(cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--timeout-ms", "800", "--cmd", "while :; do :; done"]).status).to.equal(124);
    const after = cli.exec("echo still here");
    expect(after.status, after.stderr).to.equal(0);
    expect(after.stdout).to.equal("still here\n");
  });

  it("positive control: without a cap the entries stay and are reused", () => {
    expect(cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--wasm", fixture("hello")]).status).to.equal(0);
    expect(cacheEntries().length).to.be.greaterThan(0);
  });

  it("a bad setting is a one-line configuration error (78) naming it", () => {
    const r = cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--wasm", fixture("cat-file")], {
      env: { COREASON_MODULE_CACHE_BYTES: "lots" },
    });
    expectCleanError(r, 78, /COREASON_MODULE_CACHE_BYTES 'lots' is not a size/);
  });
});
