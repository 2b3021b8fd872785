// Descriptor calls the guard bounds or checks (file growth, futimes), the standard
// devices every enclave provides, and the working directory of foreign modules.
// Raw WASI calls from the probe module, each attack with a positive control.
import { expect } from "chai";
import { GuardedSandbox, guestFile, openShellGuard } from "../helpers/guarded-sandbox.js";
import { foreignGuardConfig } from "../../src/engine/policy/policy.js";
import { MAX_FILE_BYTES } from "../../src/engine/guard/names.js";
import { Errno } from "../../src/engine/rewrite/wasi-preview1.js";

const EFBIG = Errno.FBIG;

describe("guard: file growth is bounded and futimes on a read-only file is denied", function () {
  let g: GuardedSandbox;
  before(async () => {
    g = await GuardedSandbox.fromFile(guestFile("probe.wasm"), openShellGuard());
  });

  for (const how of ["set-size", "allocate", "pwrite", "seek"]) {
    it(`${how} to 3 GB fails at once with EFBIG; ${how} to 1 MB works`, async () => {
      const t = performance.now();
      const big = await g.probe("grow", `workspace/big-${how}`, how, "3000000000");
      expect(big.errno, JSON.stringify(big)).to.equal(EFBIG);
      expect(performance.now() - t).to.be.below(5000);
      const over = await g.probe("grow", `workspace/over-${how}`, how, String(MAX_FILE_BYTES + 2));
      expect(over.errno).to.equal(EFBIG);
      const ok = await g.probe("grow", `workspace/ok-${how}`, how, "1048576");
      expect(ok.errno, JSON.stringify(ok)).to.equal(0);
      expect(ok.data).to.equal("size=1048576");
    });
  }

  it("fd_filestat_set_times on a read-only file is denied and recorded; on a workspace file it works", async () => {
    const r = await g.probe("fd-utimes", "etc/os-release");
    expect(r.errno).to.equal(Errno.ACCES);
    expect(r.violations.map((v) => `${v.operation} ${v.rule}`)).to.deep.equal(["futimes filesystem_policy: read-only"]);
    expect(r.violations[0].path).to.match(/^<fd \d+>$/);
    expect((await g.probe("open-write", "workspace/t")).errno).to.equal(0);
    const ok = await g.probe("fd-utimes", "workspace/t");
    expect(ok.errno).to.equal(0);
    expect(ok.violations).to.deep.equal([]);
  });
});

describe("guard: the standard devices", function () {
  let g: GuardedSandbox;
  before(async () => {
    g = await GuardedSandbox.fromFile(guestFile("probe.wasm"), openShellGuard());
  });

  it("/dev and /dev/fd list the standard devices", async () => {
    const dev = await g.probe("open-dir", "dev");
    expect(dev.errno).to.equal(0);
    expect(dev.data.split(",")).to.include.members(["null", "zero", "urandom", "random", "stdin", "stdout", "stderr", "fd"]);
    expect((await g.probe("open-dir", "dev/fd")).data.split(",")).to.include.members(["0", "1", "2"]);
  });

  it("/dev/random and /dev/urandom give random bytes, /dev/zero zeros", async () => {
    for (const dev of ["dev/random", "dev/urandom"]) {
      const r = await g.probe("open-read", dev);
      expect(r.errno, dev).to.equal(0);
      expect(r.data.length, dev).to.be.above(100);
    }
    const z = await g.probe("open-read", "dev/zero");
    expect(z.errno).to.equal(0);
    expect(z.data).to.match(/^\u0000+$/);
  });

  it("writes to /dev/stdout, /dev/stderr, /dev/fd/1 and /dev/fd/2 reach the exec's own streams", async () => {
    for (const [dev, stream] of [
      ["dev/stdout", "stdout"],
      ["dev/fd/1", "stdout"],
      ["dev/stderr", "stderr"],
      ["dev/fd/2", "stderr"],
    ] as const) {
      const w = await g.run(["open-write", dev]);
      expect(w.violations, dev).to.deep.equal([]);
      // open-write writes "x" to the device, then its report line to stdout
      expect(JSON.parse(w.stdout.replace(/^x/, "")).errno, dev).to.equal(0);
      expect(w[stream].startsWith("x"), `${dev}: ${JSON.stringify(w)}`).to.equal(true);
      if (stream === "stderr") expect(w.stdout.startsWith("x"), dev).to.equal(false);
    }
  });

  it("other names under /dev stay denied, and the read-only devices cannot be written", async () => {
    const sda = await g.probe("open-read", "dev/sda");
    expect(sda.errno).to.equal(Errno.ACCES);
    expect(sda.violations.map((v) => `${v.operation} ${v.path}`)).to.deep.equal(["open /dev/sda"]);
    const w = await g.probe("open-write", "dev/random");
    expect(w.errno).to.equal(Errno.ACCES);
    expect(w.violations[0].rule).to.equal("filesystem_policy: read-only");
    const tty = await g.probe("open-read", "dev/tty");
    expect(tty.errno).to.equal(Errno.ACCES);
  });
});

describe("guard: foreign modules start in the workdir", function () {
  let foreign: GuardedSandbox;
  let shellLike: GuardedSandbox;
  before(async () => {
    foreign = await GuardedSandbox.fromFile(guestFile("probe.wasm"), foreignGuardConfig(openShellGuard()));
    shellLike = await GuardedSandbox.fromFile(guestFile("probe.wasm"), openShellGuard());
  });

  it('fopen("data.txt", "w") writes /workspace/data.txt', async () => {
    const r = await foreign.probe("libc-write", "data.txt", "hello");
    expect(r.errno, JSON.stringify(r)).to.equal(0);
    expect(new TextDecoder().decode(await foreign.sandbox.fs.readFile(foreign.hostPath("/workspace/data.txt")))).to.equal("hello");
    expect((await foreign.probe("read-canary", "data.txt")).data).to.equal("hello");
    expect((await foreign.probe("read-canary", "./data.txt")).data).to.equal("hello");
    expect((await foreign.probe("read-canary", "/workspace/data.txt")).data).to.equal("hello");
  });

  it("absolute paths keep their meaning: /etc/os-release reads, /etc/x and ../etc/passwd are denied", async () => {
    expect((await foreign.probe("read-canary", "/etc/os-release")).data).to.include("OpenShell");
    const w = await foreign.probe("libc-write", "/etc/x", "y");
    expect(w.errno).to.equal(Errno.ACCES);
    expect(w.violations.map((v) => `${v.operation} ${v.path}`)).to.deep.equal(["open /etc/x"]);
    const up = await foreign.probe("read-canary", "../etc/passwd");
    expect(up.errno).to.equal(Errno.ACCES);
    expect(up.violations.map((v) => `${v.operation} ${v.path}`)).to.deep.equal(["open /etc/passwd"]);
  });

  it("control: without the foreign rule the same fopen reaches /data.txt and is denied", async () => {
    const r = await shellLike.probe("libc-write", "data.txt", "hello");
    expect(r.errno).to.equal(Errno.ACCES);
    expect(r.violations.map((v) => `${v.operation} ${v.path}`)).to.deep.equal(["open /data.txt"]);
  });
});
