// The code rewriter's encodings: a block's type index is a signed LEB128 (s33).
import { expect } from "chai";
import { rewriteBody, slebNonNegative } from "../../src/engine/wasm/code.js";

const identity = { func: (i: number) => i, global: (i: number) => i, type: (i: number) => i };

describe("wasm code rewriting", () => {
  it("encodes type indexes 64..127 on two bytes (a lone 0x40 means 'no result')", () => {
    expect(slebNonNegative(63)).to.deep.equal([0x3f]);
    expect(slebNonNegative(64)).to.deep.equal([0xc0, 0x00]);
    expect(slebNonNegative(8192)).to.deep.equal([0x80, 0xc0, 0x00]);
  });
  it("keeps a block typed by index 64, and renumbers 63 to 64 correctly", () => {
    // no locals; block (type 64) end; end
    const typed64 = new Uint8Array([0x00, 0x02, 0xc0, 0x00, 0x0b, 0x0b]);
    expect([...rewriteBody(typed64, identity)]).to.deep.equal([...typed64]);
    const typed63 = new Uint8Array([0x00, 0x02, 0x3f, 0x0b, 0x0b]);
    expect([...rewriteBody(typed63, { ...identity, type: (i) => i + 1 })]).to.deep.equal([...typed64]);
  });
});
