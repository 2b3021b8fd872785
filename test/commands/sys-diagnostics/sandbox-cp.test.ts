// sandbox-cp end to end through bin/run.js: byte-exact round trips of files and trees
// both ways (paths and `-` tar streams), docker cp's destination rules, the policy on
// writes and reads (77, DENIED, audit, with positive controls), links never followed,
// the size limit and bad input.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { COPY_MAX_BYTES } from "../../../src/engine/files/entries.js";
import { readTar, writeTar } from "../../../src/engine/files/tar.js";
import { CliSandbox, expectCleanError, expectSchema, ROOT } from "../../helpers/cli.js";

const BIN = join(ROOT, "bin", "run.js");
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const LIMITS = { maxEntries: 10000, maxBytes: COPY_MAX_BYTES };

/** Every entry below `dir`: name -> "dir", "link -> target", or the file's bytes in hex. */
function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `link -> ${readlinkSync(p)}`;
      else if (st.isDirectory()) ((out[r] = "dir"), walk(p, r));
      else out[r] = readFileSync(p).toString("hex");
    }
  };
  walk(dir, "");
  return out;
}

describe("sandbox-cp", function () {
  this.timeout(60000);
  const cli = new CliSandbox();
  const host = mkdtempSync(join(tmpdir(), "coreason-cp-"));
  const h = (p: string) => join(host, p);
  /** the CLI with raw (binary) stdin and stdout */
  const cp = (args: string[], opts: { input?: Buffer; env?: Record<string, string> } = {}) => {
    const r = spawnSync(process.execPath, [BIN, "sys-diagnostics", "sandbox-cp", ...args], {
      env: cli.env(opts.env),
      input: opts.input ?? Buffer.alloc(0),
      maxBuffer: 1 << 28,
      timeout: 60000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8"), text: r.stdout.toString("utf8") };
  };
  const sh = (script: string) => cli.exec(script);

  before(() => {
    cli.start();
    mkdirSync(h("tree/sub/deeper"), { recursive: true });
    mkdirSync(h("tree/empty-dir"));
    writeFileSync(h("tree/all-bytes.bin"), ALL_BYTES);
    writeFileSync(h("tree/empty"), "");
    writeFileSync(h("tree/sub/deeper/big.bin"), Buffer.alloc(300000, 0xa5));
    writeFileSync(h("tree/" + "long-".repeat(30) + "name"), "long");
    symlinkSync("all-bytes.bin", h("tree/rel-link"));
    symlinkSync("sub/deeper", h("tree/sub-link"));
  });
  after(() => {
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
    rmSync(host, { recursive: true, force: true });
  });

  it("copies a binary file in and out byte for byte (every byte value, an empty file)", () => {
    writeFileSync(h("bytes.bin"), ALL_BYTES);
    expect(cp([h("bytes.bin"), "OpenShell:/workspace/bytes.bin"]).status).to.equal(0);
    expect(cp([h("tree/empty"), "OpenShell:/workspace/empty"]).status).to.equal(0);
    expect(sh("md5sum /workspace/bytes.bin; wc -c < /workspace/empty").stdout).to.equal("e2c865db4162bed963bfaa9ef6ac18f0  /workspace/bytes.bin\n0\n");
    const back = cp(["OpenShell:/workspace/bytes.bin", h("bytes.back")]);
    expect(back.status, back.stderr).to.equal(0);
    expect(readFileSync(h("bytes.back")).equals(ALL_BYTES)).to.equal(true);
  });

  it("copies a directory tree in and back out unchanged: nested and empty directories, long names, links as links", () => {
    const up = cp([h("tree"), "OpenShell:/workspace/t1", "--json"]);
    expect(up.status, up.stderr).to.equal(0);
    const doc = JSON.parse(up.text);
    expectSchema("output/sys-diagnostics-sandbox-cp.json", doc);
    expect(doc).to.include({ enclave: "OpenShell", direction: "to-enclave", entries: 10, bytes: 256 + 300000 + 4, reason: "copied", exitCode: 0 });
    expect(sh("readlink /workspace/t1/rel-link; cat /workspace/t1/sub-link/big.bin | wc -c").stdout).to.equal("all-bytes.bin\n300000\n");
    const down = cp(["OpenShell:/workspace/t1", h("t1-back")]);
    expect(down.status, down.stderr).to.equal(0);
    expect(treeOf(h("t1-back"))).to.deep.equal(treeOf(h("tree")));
  });

  it("- reads a tar stream on stdin and writes one on stdout (the system's tar on the other end)", () => {
    const made = spawnSync("tar", ["-cf", "-", "-C", h("tree"), "."], { maxBuffer: 1 << 26 });
    expect(made.status).to.equal(0);
    sh("mkdir -p /workspace/t2");
    const up = cp(["-", "OpenShell:/workspace/t2"], { input: made.stdout });
    expect(up.status, up.stderr).to.equal(0);
    const down = cp(["OpenShell:/workspace/t2", "-"]);
    expect(down.status, down.stderr).to.equal(0);
    const downloaded = readTar(down.stdout, LIMITS);
    const names = downloaded.map((e) => e.name);
    // the enclave's own times (this run's), not the epoch
    for (const e of downloaded) expect(e.mtime!, e.name).to.be.greaterThan(Date.now() / 1000 - 3600);
    expect(names).to.include.members(["t2", "t2/all-bytes.bin", "t2/sub/deeper/big.bin", "t2/rel-link", "t2/empty-dir"]);
    mkdirSync(h("t2-untar"));
    expect(spawnSync("tar", ["-xf", "-", "-C", h("t2-untar")], { input: down.stdout }).status).to.equal(0);
    expect(treeOf(h("t2-untar/t2"))).to.deep.equal(treeOf(h("tree")));
    // DIR/. gives the contents without the directory's own name
    const contents = readTar(cp(["OpenShell:/workspace/t2/.", "-"]).stdout, LIMITS).map((e) => e.name);
    expect(contents).to.include("all-bytes.bin").and.not.to.include("t2");
  });

  describe("docker cp's destination rules", () => {
    before(() => sh("mkdir -p /workspace/rules/dir && echo old > /workspace/rules/file"));
    const guest = (script: string) => sh(script).stdout;

    it("a file onto a missing name creates it; onto an existing file replaces it; onto a directory goes inside", () => {
      writeFileSync(h("new.txt"), "new\n");
      expect(cp([h("new.txt"), "OpenShell:/workspace/rules/created"]).status).to.equal(0);
      expect(cp([h("new.txt"), "OpenShell:/workspace/rules/file"]).status).to.equal(0);
      expect(cp([h("new.txt"), "OpenShell:/workspace/rules/dir"]).status).to.equal(0);
      expect(guest("cat /workspace/rules/created /workspace/rules/file /workspace/rules/dir/new.txt")).to.equal("new\nnew\nnew\n");
    });

    it("a directory onto a missing name creates it with the contents; onto a directory goes inside; DIR/. copies the contents", () => {
      expect(cp([h("tree/sub"), "OpenShell:/workspace/rules/made"]).status).to.equal(0);
      expect(cp([h("tree/sub"), "OpenShell:/workspace/rules/dir"]).status).to.equal(0);
      mkdirSync(h("contents-target"));
      expect(cp(["OpenShell:/workspace/rules/made/.", h("contents-target")]).status).to.equal(0);
      expect(guest("ls /workspace/rules/made /workspace/rules/dir")).to.equal("/workspace/rules/dir:\nnew.txt\nsub\n\n/workspace/rules/made:\ndeeper\n");
      expect(readdirSync(h("contents-target"))).to.deep.equal(["deeper"]);
    });

    it("errors, exit 1, one line, nothing written: missing parent, directory onto a file, trailing / on a missing directory, missing source", () => {
      expectCleanError(
        cp([h("new.txt"), "OpenShell:/workspace/rules/no/such/x"]) as never,
        1,
        /^Error: \/workspace\/rules\/no\/such\/x: the destination's parent directory \/workspace\/rules\/no\/such does not exist\n/,
      );
      expectCleanError(cp([h("tree"), "OpenShell:/workspace/rules/file"]) as never, 1, /cannot copy a directory onto a file/);
      expectCleanError(cp([h("new.txt"), "OpenShell:/workspace/rules/nodir/"]) as never, 1, /the destination directory does not exist/);
      expectCleanError(cp([h("no-such-file"), "OpenShell:/workspace/rules"]) as never, 1, /no-such-file: no such file or directory/);
      expectCleanError(cp(["OpenShell:/workspace/rules/none", h("x")]) as never, 1, /\/workspace\/rules\/none: No such file or directory/);
      expectCleanError(cp(["OpenShell:/workspace/rules/file", h("missing-parent/x")]) as never, 1, /parent directory .* does not exist/);
      expect(guest("ls /workspace/rules")).to.equal("created\ndir\nfile\nmade\n");
    });
  });

  describe("the instance's policy", () => {
    it("a write outside read_write is denied: DENIED on stdout, exit 77, in the audit log; the same copy into /workspace works", () => {
      writeFileSync(h("payload"), "x");
      const denied = cp([h("payload"), "OpenShell:/etc/payload", "--json"]);
      expect(denied.status).to.equal(77);
      const doc = JSON.parse(denied.text);
      expectSchema("output/sys-diagnostics-sandbox-cp.json", doc);
      expect(doc).to.include({ reason: "denied", exitCode: 77, entries: 0 });
      expect(doc.violations[0]).to.include({ path: "/etc/payload", decision: "denied" });
      const human = cp([h("payload"), "OpenShell:/bin/cat"]);
      expect(human.status).to.equal(77);
      expect(human.text).to.match(/^DENIED \w+ \/bin\/cat: Permission denied \(filesystem_policy: [^)]+\)\n$/);
      expect(human.stderr).to.include("sandbox-cp: policy violations: the last line of stdout (exit 77)");
      const audit = JSON.parse(cli.run(["sys-diagnostics", "sandbox-audit", "--enclave", "OpenShell", "--json"]).stdout);
      expect(audit.records.map((r: { path: string }) => r.path)).to.include.members(["/etc/payload", "/bin/cat"]);
      // the helper resolves paths as the enclave's own guest: a new top-level name is
      // not the workdir (as it would be for a --wasm module), it is simply not granted
      for (const dest of ["OpenShell:/", "OpenShell:/newname"]) {
        const top = cp([h("payload"), dest]);
        expect(top.status, dest).to.equal(77);
        expect(top.text).to.match(/^DENIED stat \/(payload|newname): Permission denied \(filesystem_policy: not granted\)\n$/);
      }
      expect(sh("ls /workspace/payload /workspace/newname 2>&1 | grep -c 'No such'").stdout).to.equal("2\n");
      expect(cp([h("payload"), "OpenShell:/workspace/payload"]).status, "positive control").to.equal(0);
      expect(cp([h("payload"), "OpenShell:/tmp/payload"]).status, "positive control").to.equal(0);
    });

    it("a read the policy does not grant is denied (77, nothing written on the host); a granted read-only file reads", () => {
      const denied = cp(["OpenShell:/etc/passwd", h("passwd")]);
      expect(denied.status).to.equal(77);
      expect(denied.text).to.equal("DENIED stat /etc/passwd: Permission denied (filesystem_policy: not granted)\n");
      expect(existsSync(h("passwd"))).to.equal(false);
      const tarOut = cp(["OpenShell:/etc/passwd", "-"]);
      expect(tarOut.status).to.equal(77);
      expect(tarOut.text).to.match(/^DENIED /);
      expect(cp(["OpenShell:/etc/os-release", h("os-release")]).status, "positive control").to.equal(0);
      expect(readFileSync(h("os-release"), "utf8")).to.match(/OpenShell/);
    });

    it("a tree with a link the guard refuses is denied and leaves none of its entries behind", () => {
      mkdirSync(h("bad-tree/a"), { recursive: true });
      writeFileSync(h("bad-tree/a/file"), "x");
      symlinkSync("/etc/passwd", h("bad-tree/z-link"));
      const r = cp([h("bad-tree"), "OpenShell:/workspace/bad-tree"]);
      expect(r.status).to.equal(77);
      expect(r.text).to.match(/^DENIED symlink \/etc\/passwd: Permission denied \(filesystem_policy: symlink target outside a read-write root\)/);
      expect(sh("ls /workspace/bad-tree 2>&1; echo $?").stdout).to.match(/No such file or directory\n2\n$/);
    });
  });

  describe("links are never followed out of the tree", () => {
    it("a host link to a file outside SRC arrives as the link, not as the file's content", () => {
      mkdirSync(h("linky"));
      writeFileSync(h("secret"), "host secret");
      symlinkSync("/tmp/host-secret-target", h("linky/out"));
      expect(cp([h("linky"), "OpenShell:/workspace/linky"]).status).to.equal(0);
      expect(sh("readlink /workspace/linky/out; cat /workspace/linky/out 2>&1").stdout).to.match(/^\/tmp\/host-secret-target\n.*No such file/);
    });

    it("writing on the host never follows a link already there", () => {
      sh("mkdir -p /workspace/via/sub && echo inside > /workspace/via/sub/f");
      mkdirSync(h("dest-with-link/via"), { recursive: true });
      mkdirSync(h("elsewhere"));
      symlinkSync(h("elsewhere"), h("dest-with-link/via/sub"));
      const r = cp(["OpenShell:/workspace/via", h("dest-with-link")]);
      expectCleanError(r as never, 1, /dest-with-link\/via\/sub: cannot overwrite a non-directory with a directory/);
      expect(readdirSync(h("elsewhere"))).to.deep.equal([]);
    });
  });

  it("a copy over the limit fails cleanly (exit 1, COPY_TOO_LARGE) and writes nothing, both ways", () => {
    writeFileSync(h("big"), Buffer.alloc(5000));
    const env = { COREASON_COPY_MAX_BYTES: "4096" };
    const up = cp([h("big"), "OpenShell:/workspace/too-big", "--json"], { env });
    expect(up.status).to.equal(1);
    expect(JSON.parse(up.text).error).to.include({ code: "COPY_TOO_LARGE", exit: 1 });
    expect(sh("ls /workspace/too-big 2>&1").status).to.not.equal(0);
    const down = cp(["OpenShell:/workspace/t1", h("t1-too-big")], { env });
    expectCleanError(down as never, 1, /larger than the limit of \d+ entries and 4096 bytes of file data/);
    expect(existsSync(h("t1-too-big"))).to.equal(false);
    const many = cp([h("tree"), "OpenShell:/workspace/too-many"], { env: { COREASON_COPY_MAX_ENTRIES: "3" } });
    expectCleanError(many as never, 1, /limit of 3 entries/);
  });

  describe("bad input", () => {
    it("no instance side, both sides instances, a relative guest path, a bad name: usage, exit 2", () => {
      expectCleanError(cp([h("a"), h("b")]) as never, 2, /neither side names an instance/);
      expectCleanError(cp(["OpenShell:/workspace/a", "OpenShell:/workspace/b"]) as never, 2, /both sides name an instance/);
      expectCleanError(cp([h("bytes.bin"), "OpenShell:workspace/x"]) as never, 2, /the guest path must be absolute/);
      expectCleanError(cp([h("bytes.bin"), "bad name:/x"]) as never, 2, /invalid enclave name/);
      expectCleanError(cp([h("bytes.bin")]) as never, 2, /Missing 1 required arg/);
      const json = cp(["OpenShell:/workspace/bytes.bin", "-", "--json"]);
      expect(json.status).to.equal(2);
      expect(JSON.parse(json.text).error).to.include({ code: "USAGE", message: "--json cannot be combined with DEST - (stdout carries the tar stream)" });
    });

    it("an unknown instance: exit 125", () => expectCleanError(cp([h("tree/empty"), "Nope:/workspace/x"]) as never, 125, /not running/));

    it("a malformed tar on stdin: exit 1, one line, nothing written", () => {
      const good = writeTar([{ name: "f", kind: "file", data: Buffer.from("x") }]);
      const corrupt = Buffer.from(good);
      corrupt[10] ^= 0xff;
      expectCleanError(cp(["-", "OpenShell:/workspace"], { input: corrupt }) as never, 1, /^Error: tar: entry 1 at byte 0: bad header checksum/);
      expectCleanError(cp(["-", "OpenShell:/workspace"], { input: good.subarray(0, 700) }) as never, 1, /tar: .*truncated/);
      expectCleanError(cp(["-", "OpenShell:/workspace"], { input: Buffer.from("not a tar at all") }) as never, 1, /tar: truncated|tar: empty/);
      const evil = writeTar([{ name: "x", kind: "file", data: Buffer.from("x") }]);
      evil.write("../evil\0", 0, "latin1");
      evil.fill(0x20, 148, 156);
      evil.write(
        evil
          .subarray(0, 512)
          .reduce((a, x) => a + x, 0)
          .toString(8)
          .padStart(6, "0") + "\0 ",
        148,
        "latin1",
      );
      expectCleanError(cp(["-", "OpenShell:/workspace"], { input: evil }) as never, 1, /name with '\.\.' refused/);
      expectCleanError(cp(["-", "OpenShell:/workspace/bytes.bin"], { input: good }) as never, 1, /must be an existing directory/);
      expect(sh("ls /workspace/f 2>&1").stdout).to.match(/No such file/);
    });
  });

  it("answers as engine sandbox-cp too", () => {
    const r = spawnSync(process.execPath, [BIN, "engine", "sandbox-cp", h("bytes.bin"), "OpenShell:/workspace/via-engine"], {
      env: cli.env(),
      encoding: "utf8",
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(sh("md5sum < /workspace/via-engine").stdout).to.match(/^e2c865db4162bed963bfaa9ef6ac18f0/);
  });
});
