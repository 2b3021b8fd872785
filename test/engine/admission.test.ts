// Module admission, the memory cap, and the static proof that only guards reach raw imports.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { admitModule } from "../../src/engine/admission/admit.js";
import { capMemory, definedMemories } from "../../src/engine/admission/wasm-sections.js";
import { EngineError } from "../../src/engine/errors.js";
import { InstrumentHooks, instrumentModule } from "../../src/engine/admission/instrument.js";
import { buildGuardTemplate } from "../../src/engine/guard/template.js";
import { GuardedSandbox, guestFile, openShellGuard } from "../helpers/guarded-sandbox.js";

const fixture = (name: string) => readFileSync(guestFile("fixtures", `${name}.wasm`));
const refused = (bytes: Uint8Array, pattern: RegExp, pages = 256) => expect(() => admitModule(bytes, "m.wasm", pages)).to.throw(EngineError, pattern);

describe("module admission", () => {
  it("admits a WASI command and reports its imports and memory", () => {
    const r = admitModule(fixture("hello"), "hello.wasm", 256);
    expect(r.wasiImports).to.include("fd_write");
    expect(r.initialPages).to.be.greaterThan(0);
  });
  it("refuses bad magic, a component, truncated bytes", () => {
    refused(new TextEncoder().encode("#!/bin/sh\n"), /^m\.wasm: not a WebAssembly module \(bad magic bytes\)$/);
    refused(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]), /a WebAssembly component, not a core module/);
    refused(fixture("hello").subarray(0, 200), /invalid WebAssembly module/);
  });
  it("refuses a reactor, unknown and WASIX imports, shared memory, naming them", () => {
    refused(fixture("reactor"), /exports no _start function/);
    refused(fixture("unknown-import"), /imports evil\.escape: unknown namespace evil/);
    refused(fixture("wasix-import"), /imports wasix_32v1\.proc_fork: WASIX calls/);
    refused(fixture("shared-memory"), /uses shared memory: threads are not admitted/);
  });
  it("refuses a module whose initial memory exceeds the cap, naming both numbers", () => {
    const pages = definedMemories(fixture("big-initial-memory"))[0].initial;
    refused(fixture("big-initial-memory"), new RegExp(`needs ${pages} initial memory pages, more than the cap of 128 pages`), 128);
  });
});

describe("memory cap", () => {
  it("rewrites the declared maximum, keeping a lower one", () => {
    const hello = fixture("hello"); // linked with --max-memory=8 MiB (128 pages)
    expect(definedMemories(capMemory(hello, 64))[0].maximum).to.equal(64);
    expect(definedMemories(capMemory(hello, 1000))[0].maximum).to.equal(128);
  });

  it("a guest allocating in a loop stops below the cap and sees a failed malloc", async () => {
    const g = await GuardedSandbox.fromFile(guestFile("fixtures", "alloc-loop.wasm"), openShellGuard(), 64);
    const r = await g.run([], 30000);
    expect(r.exitCode, r.stderr).to.equal(0);
    const m = /malloc failed after (\d+) KiB/.exec(r.stdout);
    expect(m, r.stdout.slice(-200)).to.not.equal(null);
    expect(Number(m![1]) * 1024).to.be.below(64 * 65536);
    expect(Number(m![1])).to.be.above(1024); // it did allocate: the cap, not a broken module, stopped it
  });

  it("memory.grow past the cap fails inside the guest", async () => {
    const g = await GuardedSandbox.fromFile(guestFile("probe.wasm"), openShellGuard(), 64);
    const r = await g.probe("mem-grow", "1000");
    expect(r.data).to.match(/pages=64\b/);
  });
});

describe("static proof: only guards reach raw imports", () => {
  let template: Uint8Array;
  before(async () => {
    template = await buildGuardTemplate(openShellGuard());
  });
  const splice =
    (hooks: InstrumentHooks = {}) =>
    () =>
      instrumentModule(fixture("cat-file"), "cat-file.wasm", openShellGuard(), template, hooks);

  it("passes on the real rewrite, and the result is a valid module", () => {
    const out = splice()();
    expect(out.guarded).to.include("path_open");
    expect(() => new WebAssembly.Module(out.bytes as Uint8Array<ArrayBuffer>)).not.to.throw();
  });
  it("fails when guest code would call a raw import directly", () => {
    // corrupt the rewrite: every guest call to fd_write lands on the first raw import
    const hooks: InstrumentHooks = { tamperGuestCall: (mapped, raw) => (mapped === 0 ? raw.first : mapped) };
    expect(splice(hooks)).to.throw(EngineError, /guard proof failed: (guest code calls a raw import directly|export .* is a raw import)/);
  });
  it("imports each WASI function once, and only what the guest imports (each import costs the SDK work per run)", () => {
    const importsOf = (bytes: Uint8Array) =>
      WebAssembly.Module.imports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).map((i) => `${i.module}.${i.name}`);
    for (const file of [guestFile("openshell.wasm"), guestFile("probe.wasm"), guestFile("fixtures", "cat-file.wasm")]) {
      const bytes = readFileSync(file);
      const guarded = importsOf(instrumentModule(bytes, file, openShellGuard(), template).bytes);
      expect(new Set(guarded).size, `${file}: duplicate imports`).to.equal(guarded.length);
      const own = new Set(importsOf(bytes));
      expect(
        guarded.filter((i) => !own.has(i)),
        `${file}: imports the guest does not have`,
      ).to.deep.equal([]);
      // with the network disabled the socket guards answer without a host call
      expect(
        [...own].filter((i) => !guarded.includes(i)),
        file,
      ).to.satisfy((gone: string[]) => gone.every((i) => i.startsWith("wasi_snapshot_preview1.sock_")));
    }
  });
  it("OpenShell imports at most 29 WASI functions (fd_filestat_set_times for touch and cp -p): each one costs the SDK work on every run", () => {
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(guestFile("openshell.wasm")) as Uint8Array<ArrayBuffer>));
    expect(imports.length, imports.map((i) => i.name).join(" ")).to.be.at.most(29);
  });
  it("guards keep the guest's own indices straight (an instrumented module still runs its code)", async () => {
    const g = await GuardedSandbox.fromFile(guestFile("fixtures", "hello.wasm"), openShellGuard());
    expect((await g.run([])).stdout).to.equal("fixture ok\n");
  });
});
