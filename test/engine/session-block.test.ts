// The interactive session's block on stderr: taken out of the stream whatever the
// chunking, only with the line's own nonce, and only when it is whole.
import { expect } from "chai";
import { SessionBlockFilter } from "../../src/engine/client/session-block.js";

const NONCE = "0123456789abcdef0123456789abcdef";
const net = (s: string) => `${Buffer.byteLength(s)}:${s},`;
const block = (nonce: string, fields: string[]) => `\0OSH-SESSION:${nonce}\0${fields.map(net).join("")}\n`;
const WHOLE = block(NONCE, ["r", "if true\n", "$ ", "> ", "x='é'\n"]);

/** Feeds `text` in chunks of `size` bytes; returns what was shown and the block. */
function feed(text: string, size: number, nonce = NONCE) {
  const filter = new SessionBlockFilter(nonce);
  const bytes = Buffer.from(text);
  const shown: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) shown.push(filter.push(bytes.subarray(i, i + size)));
  shown.push(filter.leftover());
  return { shown: Buffer.concat(shown).toString(), block: filter.block() };
}

describe("session block filter", () => {
  for (const size of [1, 2, 7, 4096]) {
    it(`takes the block out of the guest's stderr in chunks of ${size} bytes`, () => {
      const { shown, block: b } = feed(`warning: x\n${WHOLE}`, size);
      expect(shown).to.equal("warning: x\n");
      expect(b).to.deep.equal({ ended: false, rest: "if true\n", ps1: "$ ", ps2: "> ", state: "x='é'\n" });
    });
  }

  it("leaves a block with another nonce (a forgery) in the output and takes none", () => {
    const forged = block("ffffffffffffffffffffffffffffffff", ["e", "", "", "", ""]);
    const { shown, block: b } = feed(`${forged}tail`, 3);
    expect(shown).to.equal(`${forged}tail`);
    expect(b).to.equal(undefined);
  });

  it("gives back bytes held because they could have begun the marker", () => {
    const { shown, block: b } = feed("ends with \0OSH-SESS", 5);
    expect(shown).to.equal("ends with \0OSH-SESS");
    expect(b).to.equal(undefined);
  });

  it("has no block when it was cut short (a line stopped while writing it)", () => {
    expect(feed(WHOLE.slice(0, WHOLE.length - 12), 4).block).to.equal(undefined);
    expect(feed(`\0OSH-SESSION:${NONCE}\x009999999999999:x`, 4).block).to.equal(undefined);
  });

  it("reads the flags: e ends the session, REST counts only with r", () => {
    expect(feed(block(NONCE, ["e", "ignored", "", "", ""]), 64).block).to.include({ ended: true, rest: "" });
  });
});
