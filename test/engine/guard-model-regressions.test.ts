// Regressions for the guard defects the model check found (issue 17, test/model/
// known-defects.ts): each case runs the wasi-ops interpreter instrumented with the real
// guard, as admission instruments any guest, in @wasmer/sdk, and asserts the answers
// Linux gives, with a positive control beside each refusal.
import { expect } from "chai";
import { DEFAULT_POLICY } from "../model/arbitraries.js";
import type { Call } from "../model/calls.js";
import { RealGuard, RealRun } from "../model/real-guard.js";

const hex = (s: string) => Buffer.from(s, "latin1").toString("hex");
const listing = (...names: string[]) => names.sort().map(hex).join(",");
const run = async (calls: Call[], policy = DEFAULT_POLICY): Promise<RealRun> => (await RealGuard.for(policy)).run(calls);
const errnos = (r: RealRun) => r.lines.map((l) => l.errno);

const RW = 6291526; // read, seek, write, filestat get/set size
const DIR = 532676096; // every path right: a directory to work below
const create = (fd: number, path: string): Call => ({ op: "open", fd, path, lookup: 1, oflags: 1, rights: RW, fdflags: 0 });
const openRead = (fd: number, path: string): Call => ({ op: "open", fd, path, lookup: 1, oflags: 0, rights: 2, fdflags: 0 });

describe("guard regressions found by the model check (issue 17)", function () {
  this.timeout(60000);

  describe("readdir-workdir-preopen: one view of the workdir for every call", () => {
    it("a hard link made through / is listed and opened through the workdir preopen, and back", async () => {
      const r = await run([
        create(3, "workspace/f"),
        { op: "write", fd: { slot: 0 }, data: "hello" },
        { op: "link", fd: 3, path: "workspace/f", fd2: 3, path2: "workspace/hard" },
        { op: "link", fd: 4, path: "f", fd2: 4, path2: "hard2" },
        { op: "readdir", fd: 4 },
        openRead(4, "hard"),
        { op: "read", fd: { slot: 1 } },
        { op: "open", fd: 3, path: "workspace", lookup: 1, oflags: 2, rights: DIR, fdflags: 0 },
        { op: "readdir", fd: { slot: 2 } },
      ]);
      expect(errnos(r)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 0]);
      expect(r.lines[4].extra).to.equal(listing("f", "hard", "hard2"));
      expect(r.lines[6].extra).to.equal(hex("hello"));
      expect(r.lines[8].extra).to.equal(listing("f", "hard", "hard2"));
      expect(r.violations).to.deep.equal([]);
    });

    it("positive control: listing the workdir still needs read access to it, and names only the guest's files", async () => {
      const r = await run([create(4, "only"), { op: "readdir", fd: 4 }, { op: "readdir", fd: 3 }]);
      expect(errnos(r).slice(0, 2)).to.deep.equal([0, 0]);
      expect(r.lines[1].extra).to.equal(listing("only")); // no home, tmp or audit file
      expect(r.lines[2].errno).to.equal(2); // "/" itself is not granted
      expect(r.violations).to.deep.equal([{ operation: "readdir", path: "/", rule: "filesystem_policy: not granted" }]);
    });
  });

  describe("hard-link-to-directory: a directory cannot be hard-linked (EPERM, as on Linux)", () => {
    it("link of the workdir into itself, of a subdirectory and through the workdir preopen are refused; nothing is made", async () => {
      const r = await run([
        { op: "link", fd: 3, path: "workspace", fd2: 3, path2: "workspace/loop" },
        { op: "mkdir", fd: 4, path: "d" },
        { op: "link", fd: 4, path: "d", fd2: 4, path2: "d2" },
        { op: "link", fd: 3, path: "workspace/d", fd2: 3, path2: "tmp/d3" },
        { op: "link", fd: 4, path: "d", fd2: 4, path2: "d" }, // an existing name: EEXIST first
        { op: "link", fd: 4, path: "d", fd2: 4, path2: "nowhere/d4" }, // a missing parent: ENOENT first
        { op: "readdir", fd: 4 },
      ]);
      expect(errnos(r)).to.deep.equal([63, 0, 63, 63, 20, 44, 0]);
      expect(r.lines[6].extra).to.equal(listing("d"));
      expect(r.violations).to.deep.equal([]);
    });

    it("positive control: a hard link to a file still works, and a read-only source is still denied", async () => {
      const r = await run([
        create(4, "f"),
        { op: "write", fd: { slot: 0 }, data: "x" },
        { op: "link", fd: 4, path: "f", fd2: 4, path2: "g" },
        openRead(4, "g"),
        { op: "read", fd: { slot: 1 } },
        { op: "link", fd: 3, path: "etc/os-release", fd2: 3, path2: "workspace/os" },
      ]);
      expect(errnos(r)).to.deep.equal([0, 0, 0, 0, 0, 2]);
      expect(r.lines[4].extra).to.equal(hex("x"));
      expect(r.violations).to.deep.equal([{ operation: "link", path: "/etc/os-release", rule: "filesystem_policy: read-only" }]);
    });
  });

  describe("trailing-slash-on-non-directory: a path ending in / names a directory", () => {
    it('open, stat, utimes, unlink, rename and link of "f/" for a file fail as on Linux; O_CREAT of "new/" makes nothing', async () => {
      const r = await run([
        create(4, "f"),
        openRead(4, "f/"),
        { op: "stat", fd: 4, path: "f/", lookup: 1 },
        { op: "utimes", fd: 4, path: "f//" },
        { op: "unlink", fd: 4, path: "f/" },
        { op: "rename", fd: 4, path: "f/", fd2: 4, path2: "g" },
        { op: "link", fd: 4, path: "f", fd2: 4, path2: "g/" },
        create(4, "new/"),
        { op: "open", fd: 4, path: "f/", lookup: 1, oflags: 5, rights: RW, fdflags: 0 }, // O_CREAT|O_EXCL: EEXIST
        { op: "open", fd: 4, path: "f/a//", lookup: 1, oflags: 5, rights: RW, fdflags: 0 }, // below a file: ENOTDIR
        { op: "readdir", fd: 4 },
      ]);
      expect(errnos(r)).to.deep.equal([0, 54, 54, 54, 54, 54, 54, 31, 20, 54, 0]);
      expect(r.lines[10].extra).to.equal(listing("f"));
      expect(r.violations).to.deep.equal([]);
    });

    it("positive control: a directory and a symlink to one, named with a trailing /, still work; a denial still comes first", async () => {
      const r = await run([
        { op: "mkdir", fd: 4, path: "d/" },
        { op: "open", fd: 4, path: "d/", lookup: 1, oflags: 2, rights: DIR, fdflags: 0 },
        { op: "stat", fd: 4, path: "d/", lookup: 1 },
        { op: "symlink", target: "d", fd: 4, path: "ld" },
        { op: "stat", fd: 4, path: "ld/", lookup: 1 },
        { op: "rename", fd: 4, path: "d/", fd2: 4, path2: "e/" },
        { op: "open", fd: 3, path: "etc/passwd/", lookup: 1, oflags: 0, rights: 2, fdflags: 0 }, // still denied first
      ]);
      expect(errnos(r)).to.deep.equal([0, 0, 0, 0, 0, 0, 2]);
      expect(r.lines[2].extra).to.equal("3");
      expect(r.violations).to.deep.equal([{ operation: "open", path: "/etc/passwd", rule: "filesystem_policy: not granted" }]);
    });
  });

  describe("descriptor-access-approximation: below a descriptor, each path has its own access", () => {
    const nestedReadOnly = { ...DEFAULT_POLICY, readOnly: [...DEFAULT_POLICY.readOnly, "/workspace/a"] };
    const nestedReadWrite = {
      ...DEFAULT_POLICY,
      includeWorkdir: false,
      readOnly: [...DEFAULT_POLICY.readOnly, "/workspace"],
      readWrite: ["/workspace/rw", "/tmp"],
    };
    const openDir = (fd: number | { slot: number }, path: string): Call => ({ op: "open", fd, path, lookup: 1, oflags: 2, rights: DIR, fdflags: 0 });
    const createBelow = (slot: number, path: string): Call => ({ op: "open", fd: { slot }, path, lookup: 1, oflags: 1, rights: RW, fdflags: 0 });

    // README Policy: "Grants add up ...: a path is writable when it lies in any read_write entry"
    it("a read-only grant inside a read-write one does not make a descriptor's subtree read-only; the workdir itself cannot be removed through it", async () => {
      const r = await run(
        [
          openDir(4, ""),
          { op: "mkdir", fd: { slot: 0 }, path: "a" },
          createBelow(0, "a/x"),
          createBelow(0, "b"),
          { op: "rmdir", fd: { slot: 0 }, path: "" },
          { op: "rename", fd: { slot: 0 }, path: ".", fd2: 3, path2: "tmp/w" },
        ],
        nestedReadOnly,
      );
      expect(errnos(r)).to.deep.equal([0, 0, 0, 0, 2, 2]);
      expect(r.violations).to.deep.equal([
        { operation: "rmdir", path: "<dirfd>", rule: "engine: reserved path" },
        { operation: "rename", path: "<dirfd>", rule: "engine: reserved path" },
      ]);
    });

    it("a read-write grant inside a read-only one is writable below a descriptor on the outer one (positive control: its siblings are not)", async () => {
      const r = await run(
        [{ op: "mkdir", fd: 4, path: "rw" }, openDir(4, ""), createBelow(0, "rw/x"), createBelow(0, "y"), openDir({ slot: 0 }, "rw"), createBelow(2, "z")],
        nestedReadWrite,
      );
      expect(errnos(r)).to.deep.equal([0, 0, 0, 2, 0, 0]);
      expect(r.violations).to.deep.equal([{ operation: "open", path: "<dirfd>/y", rule: "filesystem_policy: read-only" }]);
    });

    it("a descriptor on / decides each path like the absolute path, and keeps its place through fd_renumber", async () => {
      const readableRoot = { ...DEFAULT_POLICY, readOnly: ["/"] };
      const r = await run(
        [
          openDir(3, ""),
          createBelow(0, "workspace/ok"),
          createBelow(0, "etc/x"),
          openDir(3, "tmp"),
          { op: "renumber", fd: { slot: 0 }, to: { slot: 2 } },
          createBelow(2, "workspace/ok2"),
          createBelow(2, "bin/x"),
        ],
        readableRoot,
      );
      expect(errnos(r)).to.deep.equal([0, 0, 2, 0, 0, 0, 2]);
      expect(r.violations).to.deep.equal([
        { operation: "open", path: "<dirfd>/etc/x", rule: "filesystem_policy: read-only" },
        { operation: "open", path: "<dirfd>/bin/x", rule: "filesystem_policy: read-only" },
      ]);
    });
  });

  describe("a descriptor the guest closed is gone for path calls (the long run, seed 2)", () => {
    it("path calls and readdir answer EBADF after close, even for a descriptor on / (the SDK still answers on it); nothing recorded", async () => {
      const readableRoot = { ...DEFAULT_POLICY, readOnly: ["/"] };
      const openDir = (path: string): Call => ({ op: "open", fd: 3, path, lookup: 1, oflags: 2, rights: DIR, fdflags: 0 });
      const below = (slot: number): Call => ({ op: "open", fd: { slot }, path: "etc/os-release", lookup: 1, oflags: 0, rights: 2, fdflags: 0 });
      const r = await run(
        [
          openDir(""),
          below(0),
          { op: "close", fd: { slot: 0 } },
          below(0),
          { op: "readdir", fd: { slot: 0 } },
          openDir("etc"),
          { op: "close", fd: { slot: 1 } },
          { op: "open", fd: { slot: 1 }, path: "hostname", lookup: 1, oflags: 0, rights: 2, fdflags: 0 },
        ],
        readableRoot,
      );
      // positive control: before its close the call went through to the SDK (ENOENT: the
      // interpreter's image has no /etc/os-release), with no refusal
      expect(errnos(r)).to.deep.equal([0, 44, 0, 8, 8, 0, 0, 8]);
      expect(r.violations).to.deep.equal([]);
    });
  });
});
