// The tar module: round trips (ustar, pax for long names and link targets, every byte
// value, empty files), interoperability with the system's tar, and hostile input.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { EngineError } from "../../../src/engine/errors.js";
import { COPY_MAX_BYTES, COPY_MAX_ENTRIES } from "../../../src/engine/files/entries.js";
import { readTar, TarEntry, writeTar } from "../../../src/engine/files/tar.js";

const LIMITS = { maxEntries: COPY_MAX_ENTRIES, maxBytes: COPY_MAX_BYTES };
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

function refused(archive: Buffer, pattern: RegExp, code = "TAR_INVALID") {
  let err: unknown;
  try {
    readTar(archive, LIMITS);
  } catch (e) {
    err = e;
  }
  expect(err, "readTar must refuse this archive").to.be.instanceOf(EngineError);
  expect((err as EngineError).code).to.equal(code);
  expect((err as Error).message).to.match(pattern);
  expect((err as Error).message).not.to.include("\n");
}

/** One ustar header block with a valid checksum, for hand-made hostile archives. */
function rawHeader(name: string, type = "0", size = 0): Buffer {
  const h = writeTar([{ name: "x", kind: "file", data: Buffer.alloc(size) }]).subarray(0, 512);
  const b = Buffer.from(h);
  b.fill(0, 0, 100);
  b.write(name, 0, 100, "utf8");
  b.write(type, 156, 1, "latin1");
  b.fill(0x20, 148, 156);
  const sum = b.reduce((a, x) => a + x, 0);
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "latin1");
  return b;
}

const end = Buffer.alloc(1024);

describe("tar reader/writer", () => {
  const tree: TarEntry[] = [
    { name: "d", kind: "directory" },
    { name: "d/all-bytes.bin", kind: "file", data: ALL_BYTES },
    { name: "d/empty", kind: "file", data: Buffer.alloc(0) },
    { name: "d/link", kind: "symlink", linkname: "all-bytes.bin" },
    { name: "d/" + "n".repeat(150) + "/" + "é".repeat(80), kind: "file", data: Buffer.from("long name") },
    { name: "d/longlink", kind: "symlink", linkname: "t/".repeat(120) + "x" },
    { name: "d/big", kind: "file", data: Buffer.alloc(70000, 7) },
  ];

  it("round-trips files of every byte value, empty files, links and names longer than ustar's fields", () => {
    const back = readTar(writeTar(tree), LIMITS);
    expect(back.map((e) => [e.name, e.kind, e.linkname])).to.deep.equal(tree.map((e) => [e.name, e.kind, e.linkname]));
    for (const [i, e] of tree.entries()) if (e.kind === "file") expect(back[i].data!.equals(e.data!), e.name).to.equal(true);
  });

  it("the system's tar reads what it writes, and it reads what the system's tar writes", function () {
    if (spawnSync("tar", ["--version"]).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), "cp-tar-"));
    try {
      const archive = writeTar(tree);
      const listed = spawnSync("tar", ["-tvf", "-"], { input: archive, encoding: "utf8" });
      expect(listed.status, listed.stderr).to.equal(0);
      expect(listed.stdout).to.include("d/link -> all-bytes.bin").and.include("é".repeat(80));
      mkdirSync(join(dir, "src/sub"), { recursive: true });
      writeFileSync(join(dir, "src/sub/bytes"), ALL_BYTES);
      writeFileSync(join(dir, "src/" + "z".repeat(120)), "");
      symlinkSync("../elsewhere", join(dir, "src/sub/up"));
      for (const format of ["gnu", "pax", "ustar"]) {
        const made = spawnSync("tar", ["-cf", "-", `--format=${format}`, "-C", dir, "src"], { maxBuffer: 1 << 24 });
        if (format === "ustar" && made.status !== 0) continue; // the 120-byte name does not fit ustar
        expect(made.status, `${format}: ${made.stderr}`).to.equal(0);
        const entries = readTar(made.stdout, LIMITS);
        const byName = new Map(entries.map((e) => [e.name, e]));
        expect(byName.get("src/sub/bytes")!.data!.equals(ALL_BYTES), format).to.equal(true);
        expect(byName.get("src/sub/up")!.linkname, format).to.equal("../elsewhere");
        expect(byName.get("src/" + "z".repeat(120))!.data!.length, format).to.equal(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("normalises ./ prefixes and names the root '.'", () => {
    const names = readTar(Buffer.concat([rawHeader("./", "5"), rawHeader("./a/./b"), end]), LIMITS).map((e) => e.name);
    expect(names).to.deep.equal([".", "a/b"]);
  });

  it("refuses a truncated stream: inside a header, inside data, and without an end block", () => {
    const archive = writeTar([{ name: "f", kind: "file", data: Buffer.alloc(2000, 1) }]);
    refused(archive.subarray(0, 300), /truncated/);
    refused(archive.subarray(0, 1200), /truncated/);
    refused(archive.subarray(0, 512 * 5), /truncated/);
    refused(Buffer.alloc(0), /empty stream/);
  });

  it("refuses a bad checksum and what is not a tar archive", () => {
    const archive = Buffer.from(writeTar([{ name: "f", kind: "file", data: Buffer.from("x") }]));
    archive[0] ^= 1;
    refused(archive, /bad header checksum/);
    refused(Buffer.concat([Buffer.alloc(512, 0x41), end]), /bad header checksum/);
  });

  it("refuses names that leave the destination: ../, a/../.., absolute, also through pax and GNU long names", () => {
    refused(Buffer.concat([rawHeader("../evil"), end]), /'\.\.\/evil': name with '\.\.' refused/);
    refused(Buffer.concat([rawHeader("a/../../evil"), end]), /name with '\.\.' refused/);
    refused(Buffer.concat([rawHeader("/etc/passwd"), end]), /'\/etc\/passwd': absolute name refused/);
    const paxBody = Buffer.from("21 path=../../x/evil\n");
    refused(
      Buffer.concat([rawHeader("pax", "x", paxBody.length), paxBody, Buffer.alloc(512 - paxBody.length), rawHeader("harmless"), end]),
      /name with '\.\.' refused/,
    );
    const gnu = Buffer.from("/abs/evil\0");
    refused(
      Buffer.concat([rawHeader("././@LongLink", "L", gnu.length), gnu, Buffer.alloc(512 - gnu.length), rawHeader("harmless"), end]),
      /absolute name refused/,
    );
  });

  it("refuses hard links, devices and a malformed pax header, with one line each", () => {
    refused(Buffer.concat([rawHeader("h", "1"), end]), /hard links are not supported/);
    refused(Buffer.concat([rawHeader("dev", "3"), end]), /unsupported entry type '3'/);
    const bad = Buffer.from("99 path=x\n");
    refused(Buffer.concat([rawHeader("pax", "x", bad.length), bad, Buffer.alloc(512 - bad.length), rawHeader("f"), end]), /malformed pax header/);
    refused(Buffer.concat([rawHeader("l\nx", "2"), end]), /'l\\x0ax': empty or invalid link target/);
  });

  it("stops at the limits: entries and bytes of file data", () => {
    const three = writeTar([1, 2, 3].map((i) => ({ name: `f${i}`, kind: "file" as const, data: Buffer.alloc(10) })));
    expect(() => readTar(three, { maxEntries: 2, maxBytes: 1000 })).to.throw(/larger than the limit of 2 entries/);
    expect(() => readTar(three, { maxEntries: 10, maxBytes: 25 })).to.throw(/25 bytes of file data/);
    expect(readTar(three, { maxEntries: 3, maxBytes: 30 })).to.have.length(3);
  });
});
