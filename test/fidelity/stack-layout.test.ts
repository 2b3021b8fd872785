// The guard borrows scratch memory below the guest's shadow-stack pointer. Which global
// that is, and how far down it may go, is decided at admission from the module's bytes.
import { readFileSync } from "node:fs";
import binaryen from "binaryen";
import { expect } from "chai";
import { EngineError } from "../../src/engine/errors.js";
import { findShadowStack, GUARD_SCRATCH_BYTES, NULL_PAGE } from "../../src/engine/rewrite/stack-layout.js";
import { spliceGuard } from "../../src/engine/rewrite/splice.js";
import { buildGuardTemplate } from "../../src/engine/guard/template.js";
import { GuardedSandbox, openShellGuard } from "../helpers/guarded-sandbox.js";
import { AS_GUEST, C_GUEST } from "./harness.js";

/** A command module with mutable i32 globals `values` (index order), one data segment
 *  [dataAt, dataAt+dataLen), and a _start that decrements and restores global `sp`. */
function syntheticModule(values: number[], sp: number, dataAt: number, dataLen: number): Uint8Array {
  const m = new binaryen.Module();
  try {
    m.setMemory(2, 2, null, [{ offset: m.i32.const(dataAt), data: new Uint8Array(dataLen).fill(7), passive: false }], false, false, "memory");
    m.addMemoryExport("memory", "memory");
    values.forEach((v, k) => m.addGlobal(`g${k}`, binaryen.i32, true, m.i32.const(v)));
    const g = `g${sp}`;
    const body = m.block(null, [
      m.global.set(g, m.i32.sub(m.global.get(g, binaryen.i32), m.i32.const(16))),
      m.global.set(g, m.i32.add(m.global.get(g, binaryen.i32), m.i32.const(16))),
    ]);
    m.addFunction("_start", binaryen.none, binaryen.none, [], body);
    m.addFunctionExport("_start", "_start");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

const parts = (bytes: Uint8Array) => {
  // enough of the module for findShadowStack, read with binaryen's help
  const sections = new Map<number, Uint8Array>();
  let i = 8;
  const code: Uint8Array[] = [];
  const u32 = () => {
    let v = 0;
    let s = 0;
    for (;;) {
      const b = bytes[i++];
      v += (b & 0x7f) * 2 ** s;
      if (!(b & 0x80)) return v;
      s += 7;
    }
  };
  while (i < bytes.length) {
    const id = bytes[i++];
    const size = u32();
    sections.set(id, bytes.subarray(i, i + size));
    if (id === 10) {
      const save = i;
      const n = u32();
      for (let k = 0; k < n; k++) {
        const len = u32();
        code.push(bytes.subarray(i, i + len));
        i += len;
      }
      i = save;
    }
    i += size;
  }
  return { globals: sections.get(6), data: sections.get(11), code, initialPages: 2 };
};

describe("fidelity: where the guard's scratch memory comes from", () => {
  it("an AssemblyScript module: its stack pointer, not its first mutable global (which the old guard took, and trapped)", () => {
    const as = readFileSync(AS_GUEST);
    const wasm = new WebAssembly.Module(as);
    expect(WebAssembly.Module.imports(wasm).map((i) => i.name)).to.include("fd_write");
    // AssemblyScript release builds carry no names; global 0 is a counter that starts at 0
    const stack = findShadowStack({ ...parts(as), initialPages: 1 }, GUARD_SCRATCH_BYTES, "as");
    expect(stack.global).to.be.greaterThan(0);
    // asc's default layout: data, then a 32 KiB stack (the floor is rounded up to 16)
    expect(stack.top - stack.floor).to.be.within(32768 - 15, 32768);
    expect(stack.floor).to.be.greaterThan(NULL_PAGE);
  });

  it("a C module (LLVM, stack first): global 0, floor at the null page", () => {
    const c = readFileSync(C_GUEST);
    const p = parts(c);
    const stack = findShadowStack({ ...p, initialPages: 2 }, GUARD_SCRATCH_BYTES, "c");
    expect(stack.global).to.equal(0);
    expect(stack.floor).to.equal(NULL_PAGE);
  });

  it("the most used aligned global wins over an earlier one", () => {
    const bytes = syntheticModule([4096, 65536], 1, 1024, 64);
    expect(findShadowStack(parts(bytes), GUARD_SCRATCH_BYTES, "m").global).to.equal(1);
  });

  it("the floor is the end of the static data below the stack", () => {
    const bytes = syntheticModule([0, 65536], 1, 30000, 100);
    expect(findShadowStack(parts(bytes), GUARD_SCRATCH_BYTES, "m")).to.deep.equal({ global: 1, top: 65536, floor: 30112 });
  });

  it("a stack too small for the scratch is refused at admission, with the reason", async () => {
    const bytes = syntheticModule([0, 16384], 1, 1024, 8000);
    const template = await buildGuardTemplate(openShellGuard());
    let err: unknown;
    try {
      spliceGuard(bytes, template, "small.wasm", "disabled");
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(EngineError);
    expect((err as EngineError).code).to.equal("MODULE_REJECTED");
    expect((err as Error).message).to.match(
      /^small\.wasm: its shadow stack \(\d+ bytes below address 16384\) is smaller than the 17664 bytes the policy guard needs/,
    );
  });

  it("a module with no stack pointer at all is refused at admission", async () => {
    const bytes = syntheticModule([0, 3], 1, 1024, 8);
    const template = await buildGuardTemplate(openShellGuard());
    expect(() => spliceGuard(bytes, template, "nostack.wasm", "disabled")).to.throw(EngineError, /nostack\.wasm: has no shadow-stack pointer/);
  });

  it("AssemblyScript programs that make no denied call run guarded as raw (the old guard trapped with unreachable, exit 134)", async () => {
    const as = readFileSync(AS_GUEST);
    for (const args of [["args", "x"], ["stdio"], ["random"]]) {
      const raw = await (await GuardedSandbox.create(as, null)).run(args);
      const guarded = await (await GuardedSandbox.create(as, openShellGuard())).run(args);
      expect(guarded.trapped, JSON.stringify(guarded)).to.equal(false);
      expect({ exit: guarded.exitCode, out: guarded.stdout, err: guarded.stderr }).to.deep.equal({ exit: raw.exitCode, out: raw.stdout, err: raw.stderr });
    }
  });
});
