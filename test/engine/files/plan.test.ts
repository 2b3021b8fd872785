// docker cp's destination rules (src/engine/files/plan.ts), one row each, and the
// checks on entries and on the guest helper's stream.
import { expect } from "chai";
import { placeEntries } from "../../../src/engine/files/entries.js";
import { decodeFrames, encodeFrames } from "../../../src/engine/files/frames.js";
import { DestState, planCopy, spell } from "../../../src/engine/files/plan.js";
import type { TarEntry } from "../../../src/engine/files/tar.js";

const MISSING: DestState = { follow: "missing", nofollow: "missing", parent: "dir" };
const FILE: DestState = { follow: "file", nofollow: "file", parent: "dir" };
const DIR: DestState = { follow: "dir", nofollow: "dir", parent: "dir" };
const LINK_TO_DIR: DestState = { follow: "dir", nofollow: "link", parent: "dir" };
const DANGLING: DestState = { follow: "missing", nofollow: "link", parent: "dir" };
const NO_PARENT: DestState = { follow: "missing", nofollow: "missing", parent: "missing" };
const plan = (src: string, kind: TarEntry["kind"], dest: string, state: DestState) => planCopy(spell(src), kind, spell(dest), state);
const LIMITS = { maxEntries: 100, maxBytes: 1000 };

describe("docker cp destination rules", () => {
  it("file onto a missing path: created as DEST", () => expect(plan("/h/a.txt", "file", "/w/b.txt", MISSING)).to.deep.equal({ root: "/w", rootName: "b.txt" }));
  it("file onto a missing path with a trailing /: error", () =>
    expect(() => plan("/h/a.txt", "file", "/w/new/", MISSING)).to.throw(/destination directory does not exist/));
  it("file onto an existing file: replaced", () => expect(plan("/h/a.txt", "file", "/w/b.txt", FILE)).to.deep.equal({ root: "/w", rootName: "b.txt" }));
  it("file onto an existing file spelled with a trailing /: error", () =>
    expect(() => plan("/h/a.txt", "file", "/w/b.txt/", FILE)).to.throw(/not a directory/));
  it("file onto an existing directory: copied into it", () => expect(plan("/h/a.txt", "file", "/w/d", DIR)).to.deep.equal({ root: "/w/d", rootName: "a.txt" }));
  it("file onto a link to a directory: into the directory", () =>
    expect(plan("a.txt", "file", "/w/l", LINK_TO_DIR)).to.deep.equal({ root: "/w/l", rootName: "a.txt" }));
  it("file onto a dangling link: the link is replaced", () => expect(plan("a.txt", "file", "/w/l", DANGLING)).to.deep.equal({ root: "/w", rootName: "l" }));
  it("a link is copied like a file", () => expect(plan("/h/l", "symlink", "/w/d", DIR)).to.deep.equal({ root: "/w/d", rootName: "l" }));
  it("directory onto a missing path: DEST created with its contents", () =>
    expect(plan("/h/src", "directory", "/w/dst", MISSING)).to.deep.equal({ root: "/w", rootName: "dst" }));
  it("directory onto an existing file: error", () => expect(() => plan("/h/src", "directory", "/w/f", FILE)).to.throw(/cannot copy a directory onto a file/));
  it("directory onto an existing directory: copied into it", () =>
    expect(plan("/h/src", "directory", "/w/d", DIR)).to.deep.equal({ root: "/w/d", rootName: "src" }));
  it("directory/. onto an existing directory: its contents", () => expect(plan("/h/src/.", "directory", "/w/d", DIR)).to.deep.equal({ root: "/w/d" }));
  it("directory/ (trailing slash) is the directory itself", () =>
    expect(plan("/h/src/", "directory", "/w/d/", DIR)).to.deep.equal({ root: "/w/d", rootName: "src" }));
  it("a file spelled file/ or file/.: error", () => {
    expect(() => plan("/h/a.txt/", "file", "/w/d", DIR)).to.throw(/the source is not a directory/);
    expect(() => plan("/h/a.txt/.", "file", "/w/d", DIR)).to.throw(/the source is not a directory/);
  });
  it("a destination whose parent does not exist: error naming the parent", () =>
    expect(() => plan("/h/a.txt", "file", "/w/no/b.txt", NO_PARENT)).to.throw(/parent directory \/w\/no does not exist/));
  it("the destination / is an existing directory without a parent", () =>
    expect(plan("/h/a", "file", "/", { follow: "dir", nofollow: "dir", parent: "dir" })).to.deep.equal({ root: "/", rootName: "a" }));
  it("errors are COPY_FAILED", () =>
    expect(() => plan("/h/src", "directory", "/w/f", FILE))
      .to.throw()
      .with.property("code", "COPY_FAILED"));
});

describe("copy entries", () => {
  const entries: TarEntry[] = [
    { name: ".", kind: "directory" },
    { name: "a", kind: "file", data: Buffer.from("1") },
    { name: "sub/b", kind: "file", data: Buffer.from("2") },
  ];
  it("renames the root and makes missing parents, parents first", () => {
    expect(placeEntries(entries, "top").map((e) => e.name)).to.deep.equal(["top", "top/a", "top/sub", "top/sub/b"]);
    expect(placeEntries(entries, undefined).map((e) => e.name)).to.deep.equal(["a", "sub", "sub/b"]);
  });
  it("refuses an entry below one of the copy's own links or files, and duplicates", () => {
    expect(() =>
      placeEntries(
        [
          { name: "l", kind: "symlink", linkname: "/etc" },
          { name: "l/passwd", kind: "file", data: Buffer.from("x") },
        ],
        undefined,
      ),
    ).to.throw(/lies below 'l', which is not a directory/);
    expect(() =>
      placeEntries(
        [
          { name: "f", kind: "file" },
          { name: "f", kind: "file" },
        ],
        undefined,
      ),
    ).to.throw(/appears twice/);
  });
});

describe("guest helper frames", () => {
  const entries: TarEntry[] = [
    { name: ".", kind: "directory" },
    { name: "bytes", kind: "file", data: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) },
    { name: "sp ace\nnl", kind: "symlink", linkname: "t a" },
  ];
  it("round-trips names with spaces and newlines, and every byte value", () => {
    const back = decodeFrames(encodeFrames(entries), LIMITS);
    expect(back.map((e) => [e.name, e.linkname])).to.deep.equal(entries.map((e) => [e.name, e.linkname]));
    expect(back[1].data!.equals(entries[1].data!)).to.equal(true);
  });
  it("refuses a stream that is cut, has trailing data, climbs with .., or exceeds the limits", () => {
    const frames = encodeFrames(entries);
    expect(() => decodeFrames(frames.subarray(0, frames.length - 2), LIMITS)).to.throw(/before its end frame/);
    expect(() => decodeFrames(Buffer.concat([frames, Buffer.from("x")]), LIMITS)).to.throw(/data after its end frame/);
    expect(() =>
      decodeFrames(
        encodeFrames([
          { name: ".", kind: "directory" },
          { name: "../x", kind: "directory" },
        ]),
        LIMITS,
      ),
    ).to.throw(/not a relative name/);
    expect(() => decodeFrames(encodeFrames([{ name: "a", kind: "directory" }]), LIMITS)).to.throw(/not the root/);
    expect(() => decodeFrames(frames, { maxEntries: 2, maxBytes: 1000 })).to.throw(/larger than the limit/);
  });
});
