// The guest's namespace is exact: its /workspace and /tmp are stored as
// /workspace/home and /workspace/tmp in the SDK, next to the audit file, and no path,
// symlink, rename or descriptor may name, list, move or remove that structure.
// Absolute symlinks resolve in the guest's namespace, as on Linux. Attacks from the
// probe module (raw WASI calls), each with a positive control.
import { expect } from "chai";
import { GuardedSandbox, guestFile, openShellGuard } from "../helpers/guarded-sandbox.js";
import { AUDIT_FILE_NAME } from "../../src/engine/guard/violation-codes.js";
import { Errno } from "../../src/engine/rewrite/wasi-preview1.js";

const ENOENT = 44;
const ENGINE_NAMES = ["home", "tmp", AUDIT_FILE_NAME];

describe("guard: the guest's namespace is exact and the engine's structure sealed", function () {
  let g: GuardedSandbox;

  beforeEach(async () => {
    g = await GuardedSandbox.fromFile(guestFile("probe.wasm"), openShellGuard());
  });

  /** The SDK's view of the storage root: the engine's own names. */
  const storageRoot = async (s: GuardedSandbox) => (await s.sandbox.fs.readDir("/workspace")).map((e) => e.name).sort();

  describe("absolute symlinks resolve in the guest's namespace", () => {
    it("ln -s /workspace .b; mv .b/home .b/gone cannot rename the backing directory", async () => {
      expect((await g.probe("symlink", "/workspace", "workspace/.b")).errno).to.equal(0);
      const mv = await g.probe("rename", "workspace/.b/home", "workspace/.b/gone");
      expect(mv.errno).to.equal(ENOENT); // the guest's /workspace has no "home"
      expect(await storageRoot(g)).to.include.members(["home", "tmp"]);
      // and the link works as on Linux: .b is the guest's /workspace
      expect((await g.probe("open-write", "workspace/.b/via-link")).errno).to.equal(0);
      expect((await g.probe("open-read", "workspace/via-link")).data).to.equal("x");
    });

    it("an absolute link to a file in its own directory tree opens it; readlink shows the guest's path", async () => {
      expect((await g.probe("open-write", "workspace/a")).errno).to.equal(0);
      expect((await g.probe("symlink", "/workspace/a", "workspace/la")).errno).to.equal(0);
      const read = await g.probe("open-read", "workspace/la");
      expect(read.errno, JSON.stringify(read)).to.equal(0);
      expect(read.data).to.equal("x");
      expect((await g.probe("readlink", "workspace/la")).data).to.equal("/workspace/a");
      // a target elsewhere (the SDK follows none when opening: the guard does)
      expect((await g.probe("mkdir", "workspace/d")).errno).to.equal(0);
      expect((await g.probe("symlink", "/workspace", "workspace/d/up")).errno).to.equal(0);
      expect((await g.probe("readlink", "workspace/d/up")).data).to.equal("/workspace");
      expect((await g.probe("open-read", "workspace/d/up/a")).data).to.equal("x");
      expect((await g.probe("stat", "workspace/d/up/a")).errno).to.equal(0);
      expect((await g.probe("open-write", "tmp/t")).errno).to.equal(0);
      expect((await g.probe("symlink", "/tmp/t", "workspace/d/lt")).errno).to.equal(0);
      expect((await g.probe("readlink", "workspace/d/lt")).data).to.equal("/tmp/t");
      expect((await g.probe("open-read", "workspace/d/lt")).data).to.equal("x");
      // a chain: /workspace/d/up2 -> /workspace/d/up (-> /workspace)
      expect((await g.probe("symlink", "/workspace/d/up", "workspace/d/up2")).errno).to.equal(0);
      expect((await g.probe("open-read", "workspace/d/up2/a")).data).to.equal("x");
      // writing through a followed link writes its target
      expect((await g.probe("symlink", "/workspace/d/up/a", "workspace/d/la2")).errno).to.equal(0);
      expect((await g.probe("open-write", "workspace/d/la2")).errno).to.equal(0);
      expect((await g.probe("open-read", "workspace/a")).data).to.equal("x");
    });

    it("a relative link moved to another depth still resolves below its own directory", async () => {
      expect((await g.probe("mkdir", "workspace/d1")).errno).to.equal(0);
      expect((await g.probe("mkdir", "workspace/d1/d2")).errno).to.equal(0);
      expect((await g.probe("open-write", "workspace/x")).errno).to.equal(0);
      expect((await g.probe("symlink", "x", "workspace/d1/d2/rl")).errno).to.equal(0);
      expect((await g.probe("open-read", "workspace/d1/d2/rl")).errno).to.equal(ENOENT); // no d2/x
      // moving it to the top of /workspace: the SDK refuses to move a link to another
      // directory; were it moved, it would name /workspace/x, never the storage root
      await g.probe("rename", "workspace/d1/d2/rl", "workspace/rl");
      expect(await storageRoot(g)).to.include.members(["home", "tmp"]);
      expect((await g.probe("symlink", "x", "workspace/rl2")).errno).to.equal(0);
      expect((await g.probe("open-read", "workspace/rl2")).data).to.equal("x");
      // "home" or "tmp" relative to /workspace are the guest's own names, absent here
      for (const name of ["home", "tmp"]) {
        expect((await g.probe("symlink", name, `workspace/r-${name}`)).errno).to.equal(0);
        expect((await g.probe("open-dir", `workspace/r-${name}`)).errno, name).to.equal(ENOENT);
      }
      // a link with ".." is refused, so no depth lets it climb
      expect((await g.probe("symlink", "../x", "workspace/d1/up")).errno).to.equal(Errno.ACCES);
    });
  });

  describe("mount points and the workdir cannot be replaced or removed", () => {
    it("renaming a directory onto /tmp, or unlinking /workspace, is refused as reserved", async () => {
      expect((await g.probe("mkdir", "workspace/e")).errno).to.equal(0);
      const mv = await g.probe("rename", "workspace/e", "tmp");
      expect(mv.errno).to.equal(Errno.ACCES);
      expect(mv.violations.map((v) => `${v.operation} ${v.path} ${v.rule}`)).to.deep.equal(["rename /tmp engine: reserved path"]);
      const rm = await g.probe("unlink", "workspace");
      expect(rm.errno).to.equal(Errno.ACCES);
      expect(rm.violations[0].rule).to.equal("engine: reserved path");
      expect(await storageRoot(g)).to.include.members(["home", "tmp"]);
      // control: the same rename to a fresh name works
      expect((await g.probe("rename", "workspace/e", "tmp/e2")).errno).to.equal(0);
    });
  });

  describe("no descriptor a guest can hold lists an engine name", () => {
    const walk = async (s: GuardedSandbox) => {
      await s.sandbox.fs.writeFile(s.hostPath("/workspace/marker-ws"), new TextEncoder().encode("m"));
      await s.sandbox.fs.writeFile(`/workspace/${AUDIT_FILE_NAME}`, new Uint8Array()); // as during an exec with a violation
      expect((await s.probe("symlink", "/workspace", "workspace/.b")).errno).to.equal(0);
      expect((await s.probe("mkdir", "workspace/sub")).errno).to.equal(0);
      const opens = ["@workspace", "%.", "@workspace/.", "@workspace/.b", "@workspace/sub/..", "@tmp", "%sub/..", "@."];
      const r = await s.probe("fd-find", "70", ...opens, ...ENGINE_NAMES, "marker-ws", "bin");
      const hits = (r.data.split(";")[2] ?? "").split(",").filter(Boolean);
      const fdsWith = (name: string) => hits.filter((h) => h.endsWith(`:${name}`)).map((h) => Number(h.split(":")[0]));
      return { r, hits, fdsWith };
    };

    it("fds 0..70, the preopens and directories opened through paths and links (default policy)", async () => {
      const { r, hits, fdsWith } = await walk(g);
      expect(r.data, "every open succeeded but the ungranted root").to.match(/^opened=(\d+\/){7}!2\/;/);
      expect(fdsWith(AUDIT_FILE_NAME), r.data).to.deep.equal([]);
      expect(fdsWith("home"), r.data).to.deep.equal([]);
      // "tmp" may appear only in a listing of "/" (which also lists bin)
      for (const fd of fdsWith("tmp")) expect(fdsWith("bin"), r.data).to.include(fd);
      // positive control: preopen 4 and the six descriptors opened on /workspace list it
      expect(fdsWith("marker-ws"), r.data).to.include(4);
      expect(fdsWith("marker-ws").length, r.data).to.equal(7);
      expect(hits.length).to.be.above(0);
    });

    it("the same with / readable (read_only: [/]), so the root preopens list too", async () => {
      const def = openShellGuard();
      const open = await GuardedSandbox.fromFile(guestFile("probe.wasm"), { ...def, readOnly: [...def.readOnly, "/"] });
      const { r, fdsWith } = await walk(open);
      expect(r.data).to.match(/^opened=(\d+\/){8};/);
      expect(fdsWith(AUDIT_FILE_NAME), r.data).to.deep.equal([]);
      expect(fdsWith("home"), r.data).to.deep.equal([]);
      for (const fd of fdsWith("tmp")) expect(fdsWith("bin"), r.data).to.include(fd);
      expect(fdsWith("bin"), r.data).to.include.members([5]); // fd 5 lists the root
      expect(fdsWith("marker-ws").length, r.data).to.equal(7);
    });

    it("fd_readdir on preopen 4 shows the guest's /workspace, not the storage root", async () => {
      await g.sandbox.fs.writeFile(g.hostPath("/workspace/only-mine"), new Uint8Array([1]));
      await g.sandbox.fs.writeFile(`/workspace/${AUDIT_FILE_NAME}`, new Uint8Array());
      expect(await storageRoot(g)).to.include.members(["home", "tmp", AUDIT_FILE_NAME]); // it is there, unseen
      const r = await g.probe("fd-readdir", "4");
      expect(r.errno).to.equal(0);
      expect(r.data.split(",").sort()).to.deep.equal([".", "..", "only-mine"]);
    });

    it("a directory with more entries than one fd_readdir buffer lists completely (cookies carry over)", async () => {
      for (let k = 0; k < 300; k++)
        await g.sandbox.fs.writeFile(g.hostPath(`/workspace/entry-with-a-long-name-${String(k).padStart(3, "0")}`), new Uint8Array());
      const names = ["000", "150", "298", "299"].map((k) => `entry-with-a-long-name-${k}`);
      const r = await g.probe("fd-find", "4", ...names);
      expect(r.data.split(";")[2].split(",").filter(Boolean), r.data).to.deep.equal(names.map((n) => `4:${n}`));
    });
  });
});
