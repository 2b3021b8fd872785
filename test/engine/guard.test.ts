// The policy guard, attacked through raw WASI calls from the probe module (a foreign
// C program built in guest/probe), with positive controls that fail if the guard is
// off or denies everything. Run in-process on @wasmer/sdk, no CLI.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { GuardedSandbox, guestFile, openShellGuard } from "../helpers/guarded-sandbox.js";
import { ROOT } from "../helpers/cli.js";

const EACCES = 2;

describe("policy guard: adversarial probes (OpenShell default policy)", function () {
  let g: GuardedSandbox;
  let bare: GuardedSandbox;
  // Outside every granted root: the enclave's own /tmp or /workspace would shadow a host
  // path there (answering ENOENT, not EACCES), and CI may clone below /tmp.
  const granted = (d: string) => ["/tmp", "/workspace", "/bin", "/usr", "/dev", "/etc"].some((g) => d === g || d.startsWith(g + "/"));
  const canaryDir = mkdtempSync(
    join(
      [homedir(), "/var/tmp", ROOT].find((d) => !granted(d) && existsSync(d))!,
      ".coreason-canary-",
    ),
  );
  const canary = `canary-${randomBytes(16).toString("hex")}`;
  const canaryPath = join(canaryDir, "canary.txt");
  const outputs: string[] = [];

  before(async () => {
    writeFileSync(canaryPath, canary);
    g = await GuardedSandbox.fromFile(guestFile("probe.wasm"), openShellGuard());
    bare = await GuardedSandbox.fromFile(guestFile("probe.wasm"), null);
  });
  after(() => {
    for (const o of outputs) expect(o).not.to.include(canary);
    rmSync(canaryDir, { recursive: true, force: true });
  });

  const probe = async (...args: string[]) => {
    const r = await g.probe(...args);
    outputs.push(r.raw.stdout, r.raw.stderr, r.data);
    return r;
  };
  const denied = async (op: string, path: string, ...args: string[]) => {
    const r = await probe(...args);
    expect(r.errno, `${args.join(" ")}: ${JSON.stringify(r)}`).to.equal(EACCES);
    expect(
      r.violations.map((v) => `${v.operation} ${v.path}`),
      JSON.stringify(r.violations),
    ).to.include(`${op} ${path}`);
    return r;
  };

  describe("absolute host paths are denied and recorded", () => {
    for (const path of [
      "/etc/passwd",
      "/etc/shadow",
      "/root/.ssh/id_rsa",
      "/proc/self/environ",
      "/proc/1/root",
      "/sys/kernel",
      "/dev/sda",
      "/var/run/docker.sock",
    ]) {
      it(`open ${path}`, () => denied("open", path, "open-read", path.slice(1)));
    }
    it("the host canary's absolute path, through raw calls and through libc", async () => {
      await denied("open", canaryPath, "open-read", canaryPath.slice(1));
      const libc = await probe("read-canary", canaryPath);
      expect(libc.errno).to.equal(EACCES);
      expect(libc.violations.map((v) => `${v.operation} ${v.path}`)).to.include(`open ${canaryPath}`);
    });
  });

  describe("traversal from every preopen", () => {
    it("../ above the root preopen (fd 3) clamps at / and is denied", () => denied("open", "/etc/passwd", "open-read", "../../etc/passwd", "3"));
    it("the second root preopen (fd 5) is guarded too", () => denied("open", "/etc/passwd", "open-read", "etc/passwd", "5"));
    it("../ out of the workdir preopen (fd 4) is an escape", async () => {
      const r = await probe("open-read", "../etc/passwd", "4");
      expect(r.errno).to.equal(EACCES);
      expect(r.violations[0].rule).to.equal("engine: path escapes its preopened directory");
    });
    it("/workspace/../../etc/passwd", () => denied("open", "/etc/passwd", "open-read", "workspace/../../etc/passwd"));
    it("trailing slashes and dot segments", () => denied("open", "/etc/passwd", "open-read", "./etc//./passwd/"));
    it("a NUL byte inside the path is checked with its full length, not as a C string", async () => {
      // "/workspace\0.." is not /workspace: the whole path is ungranted
      const r = await probe("open-nul", "workspace", "../etc/passwd");
      expect(r.errno).to.equal(EACCES);
      expect(r.violations.map((v) => v.operation)).to.include("open");
    });
    it("hostile pointers are answered with an error, the guest is not killed", async () => {
      const r = await probe("open-badptr");
      expect(r.raw.exitCode).to.equal(0);
      expect(r.data).not.to.match(/=0\b/);
    });
  });

  describe("links and renames cannot leave a root", () => {
    it("a symlink whose target climbs out is refused at creation", async () => {
      const r = await probe("symlink-escape", "workspace");
      // both the relative (../..) and the absolute (/etc) target are refused with EACCES
      expect(r.data).to.match(/^rel: symlink=2 .*; abs: symlink=2 /);
      expect(r.violations.map((v) => `${v.operation} ${v.rule}`)).to.deep.equal(
        Array(2).fill("symlink filesystem_policy: symlink target outside a read-write root"),
      );
    });
    it("a hard link from a read-only root is denied", () => denied("link", "/bin/main", "link", "bin/main", "workspace/hl"));
    it("renaming a workspace file into an ungranted root is denied", async () => {
      expect((await probe("open-write", "workspace/mv-src")).errno).to.equal(0);
      await denied("rename", "/etc/stolen", "rename", "workspace/mv-src", "etc/stolen");
    });
    it("renaming the workdir itself (which holds the audit file) is denied", () => denied("rename", "/workspace", "rename", "workspace", "tmp/ws"));
    it("the audit file cannot be read, written or linked by the guest", async () => {
      await denied("open", "/workspace/.coreason-audit", "open-read", "workspace/.coreason-audit");
      await denied("open", "/workspace/.coreason-audit", "open-write", "workspace/.coreason-audit");
      await denied("unlink", "/workspace/.coreason-audit", "unlink", "workspace/.coreason-audit");
      const alias = await probe("symlink", ".coreason-audit", "workspace/alias");
      expect(alias.errno).to.equal(EACCES);
    });
    it("fd_renumber cannot replace a granted descriptor with a preopen", async () => {
      const r = await probe("renumber-escape", "workspace", "etc/passwd");
      expect(r.data).to.match(/renumber\(3->\d+\)=8\b/); // EBADF: the preopen stays where it is
      expect(r.violations.map((v) => `${v.operation} ${v.rule}`)).to.deep.equal(["fd_renumber engine: preopened descriptor is protected"]);
    });
  });

  describe("read-only and ungranted roots refuse writes", () => {
    it("write into /bin", () => denied("open", "/bin/main", "open-write", "bin/main"));
    it("mkdir in /bin is read-only, in /etc not granted", async () => {
      expect((await denied("mkdir", "/bin/x", "mkdir", "bin/x")).violations[0].rule).to.equal("filesystem_policy: read-only");
      expect((await denied("mkdir", "/etc/x", "mkdir", "etc/x")).violations[0].rule).to.equal("filesystem_policy: not granted");
    });
    it("unlink and utimes in /bin", async () => {
      await denied("unlink", "/bin/main", "unlink", "bin/main");
      await denied("utimes", "/bin/main", "utimes", "bin/main");
    });
    it("a granted read-only file is readable but not writable", async () => {
      const r = await probe("open-read", "etc/os-release");
      expect(r.errno).to.equal(0);
      expect(r.data).to.include("OpenShell");
      await denied("open", "/etc/os-release", "open-write", "etc/os-release");
    });
  });

  describe("descriptors, network, stack games", () => {
    it("fd guessing 0..1024 finds only stdio and the preopens", async () => {
      const r = await probe("fd-scan", "1024");
      expect(r.data).to.equal("0:?54,1:?54,2:?54,3:/,4:.,5:/");
    });
    it("listing an ungranted preopen directly (fd_readdir on /) is denied; the workdir lists", async () => {
      for (const fd of ["3", "5"]) await denied("readdir", "/", "fd-readdir", fd);
      expect((await probe("fd-readdir", "4")).errno).to.equal(0);
    });
    it("socket calls answer ENOTCAPABLE and are recorded", async () => {
      const r = await probe("sock");
      expect(r.data.match(/=\d+/g), r.data).to.deep.equal(Array(14).fill("=76"));
      expect(r.violations.map((v) => v.operation)).to.include("sock_accept");
      expect(r.violations[0].rule).to.equal("network: disabled");
    });
    it("pointing the stack pointer at the path does not smuggle it past the check", async () => {
      for (const delta of ["", "0", "4096", "65536"]) {
        const r = await probe("sp-open", "etc/passwd", "3", ...(delta ? [delta] : []));
        expect(r.data, delta).to.match(/ open=2$/); // EACCES from the guard (bare SDK: 44)
        expect(
          r.violations.map((v) => `${v.operation} ${v.path}`),
          delta,
        ).to.deep.equal(["open /etc/passwd"]);
      }
    });
    it("scribbling over the stack before an open does not disable the guard", () => denied("open", "/etc/passwd", "scribble-open", "etc/passwd"));
  });

  describe("positive controls (fail if the guard is off or denies everything)", () => {
    it("write, read, mkdir, rename and stat inside /workspace", async () => {
      expect((await probe("open-write", "workspace/ok")).errno).to.equal(0);
      const read = await probe("open-read", "workspace/ok");
      expect(read.errno).to.equal(0);
      expect(read.data).to.equal("x");
      expect((await probe("mkdir", "workspace/d")).errno).to.equal(0);
      expect((await probe("rename", "workspace/ok", "workspace/d/ok2")).errno).to.equal(0);
      expect((await probe("stat", "workspace/d/ok2")).errno).to.equal(0);
      expect((await probe("open-read", "ok", "4")).errno).to.equal(44); // moved away: ENOENT, not EACCES
      expect(read.violations).to.deep.equal([]);
    });
    it("/tmp is writable and survives between commands (backed by the workdir)", async () => {
      expect((await probe("open-write", "tmp/t")).errno).to.equal(0);
      expect((await probe("open-read", "tmp/t")).data).to.equal("x");
    });
    it("the same attack on the bare SDK gives ENOENT, not EACCES: the denial is the guard's", async () => {
      const r = await bare.probe("open-read", "etc/passwd");
      expect(r.errno).to.equal(44);
      expect(r.violations).to.deep.equal([]);
    });
  });

  // a suite's own tests run before its nested ones: this must be a (last) nested suite
  describe("after every probe above", () => {
    it("the host canary's content appears in no output", () => {
      expect(readFileSync(canaryPath, "utf8")).to.equal(canary);
      expect(outputs.length, "probes whose output was collected").to.be.above(40);
      for (const o of outputs) expect(o).not.to.include(canary);
    });
  });
});
