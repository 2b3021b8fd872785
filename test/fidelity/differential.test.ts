// A guarded run of a WASI program gives the same stdout, stderr and exit status as an
// unguarded one, except where the policy denies (EACCES and a recorded violation).
// Guests: guest/fixtures/fidelity.c (C, wasi-libc, @yowasp/clang) and
// guest/fidelity/fidelity-as.ts (AssemblyScript + @assemblyscript/wasi-shim).
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError } from "../helpers/cli.js";
import { AS_GUEST, C_GUEST, Case, expectSameExceptDenied, RawEnclave, RS_GUEST, runGuarded } from "./harness.js";

const C_CASES: Record<string, Case> = {
  "args, with spaces, empty and non-ASCII arguments": { args: ["args", "one", "two words", "", "ünï"] },
  "environ, exactly the --env given with --env-clear": { args: ["env"], env: { A: "1", B: "two words", EMPTY: "" }, envClear: true },
  "stdio: stdin, interleaved stdout and stderr, exit status": { args: ["stdio"], stdin: "some input\nline two\n" },
  clocks: { args: ["clock"] },
  random: { args: ["random"] },
  "files by absolute path: write, append, seek, pread/pwrite, truncate, O_EXCL": { args: ["files", "/workspace/fid-files"] },
  "files in /tmp": { args: ["files", "/tmp/fid-files"] },
  "files by relative path (the working directory)": { args: ["files", "fid-rel-files"] },
  "directories: create, list, rename, remove": { args: ["dirs", "/workspace/fid-dirs"] },
  "directories by relative path": { args: ["dirs", "fid-rel-dirs"] },
  "readdir cookies: small buffers, telldir/seekdir, rewinddir": { args: ["cookies", "/workspace/fid-cookies"] },
  "symlinks: create, readlink, follow, lstat, unlink": { args: ["symlinks", "/workspace/fid-links"] },
  "a read-only grant: read /etc/os-release": { args: ["read", "/etc/os-release"] },
  "a read-only grant: a directory opened with every right (Rust's std) lists and reads": { args: ["dir-full-rights", "/bin", "cat"] },
  "denied: read /etc/passwd (not granted)": { args: ["read", "/etc/passwd"], denied: ["open /etc/passwd"] },
  "denied: create a file under a read-only grant": { args: ["write", "/etc/os-release"], denied: ["open /etc/os-release"] },
  "denied: open for writing under a read-only grant": { args: ["open-wronly", "/bin/cat"], denied: ["open /bin/cat"] },
  "denied: append under a read-only grant": { args: ["append", "/etc/hostname"], denied: ["open /etc/hostname"] },
  "argv[0] given with --argv0": { args: ["args", "x"], argv0: "tool" },
};

const AS_CASES: Record<string, Case> = {
  args: { args: ["args", "one", "two words", ""] },
  "environ with --env-clear": { args: ["env"], env: { A: "1", B: "two" }, envClear: true },
  "stdio and exit status": { args: ["stdio"] },
  "random (random_get)": { args: ["random"] },
  clocks: { args: ["clock"] },
  "files with raw WASI calls": { args: ["files", "/workspace/fid-as.txt"] },
  "a read-only grant: read /etc/os-release": { args: ["read", "/etc/os-release"] },
  "denied: read /etc/passwd": { args: ["read", "/etc/passwd"], denied: ["open /etc/passwd"] },
};

const RS_CASES: Record<string, Case> = {
  args: { args: ["args", "one", "two words", ""] },
  "environ with --env-clear": { args: ["env"], env: { A: "1", B: "two" }, envClear: true },
  "std::fs by absolute path: create_dir, write, append, read, metadata, rename, remove": { args: ["files", "/workspace/fid-rs"] },
  "std::fs by relative path": { args: ["files", "fid-rs-rel"] },
  "a read-only grant: read_dir /bin": { args: ["list", "/bin"] },
  "a read-only grant: read_to_string /etc/os-release": { args: ["read", "/etc/os-release"] },
  "denied: read_dir /etc (not granted)": { args: ["list", "/etc"], denied: ["open /etc"] },
};

describe("fidelity: raw and guarded runs agree", function () {
  this.timeout(300000);
  const cli = new CliSandbox();
  let raw: RawEnclave;
  before(async () => {
    cli.start("OpenShell", ["--memory-pages", "256"]);
    raw = await RawEnclave.create();
  });
  after(() => cli.cleanup());

  for (const [guest, file, cases] of [
    ["C (wasi-libc)", C_GUEST, C_CASES],
    ["AssemblyScript (wasi-shim)", AS_GUEST, AS_CASES],
    ["Rust (std, Debian rustc 1.63)", RS_GUEST, RS_CASES],
  ] as const) {
    describe(guest, () => {
      for (const [title, c] of Object.entries(cases)) {
        it(title, async () => {
          const guarded = runGuarded(cli, file, c);
          const r = await raw.run(file, c, c.argv0 ?? basename(file));
          expectSameExceptDenied(r, guarded, c);
        });
      }
    });
  }

  describe("sandbox-exec --argv0 and --env-clear", () => {
    const exec = (...flags: string[]) => cli.run(["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", ...flags]);

    it("--argv0 must be a command name the runtime accepts", () => {
      expectCleanError(exec("--wasm", C_GUEST, "--argv0", "a b", "--", "args"), 2, /^Error: --argv0 "a b": may contain only ASCII letters, digits/);
      expectCleanError(exec("--wasm", C_GUEST, "--argv0", "..", "--", "args"), 2, /--argv0 "\.\."/);
    });

    it("--argv0 may not name one of the enclave's own commands (the module would replace /bin/NAME)", () => {
      expectCleanError(
        exec("--wasm", C_GUEST, "--argv0", "cat", "--", "args"),
        2,
        /^Error: --argv0 "cat": names one of the enclave's own commands \(\/bin\/cat\)/,
      );
      expect(cli.exec("cat /bin/cat").stdout).to.include("exec cat");
    });

    it("--argv0 needs --wasm", () => {
      const r = exec("--cmd", "true", "--argv0", "x");
      expect(r.status).to.equal(2);
      expect(r.stderr).to.match(/--wasm/);
    });

    it("--env-clear also applies to the shell: only --env reaches it", () => {
      const r = exec("--cmd", 'echo "[$PATH][$HOME][$USER][$A]"', "--env-clear", "--env", "A=1");
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal("[][][][1]\n");
    });

    it("a module file whose name the runtime cannot take as a command gets argv[0] main", () => {
      const dir = mkdtempSync(join(tmpdir(), "fid-argv0-"));
      const odd = join(dir, "my tool.wasm");
      copyFileSync(C_GUEST, odd);
      try {
        expect(exec("--wasm", odd, "--", "args").stdout).to.equal("argc 2\nargv[0] main\nargv[1] args\n");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("where the raw SDK is not the reference", () => {
    it("argv[0] is the module file's base name", async () => {
      const g = runGuarded(cli, C_GUEST, { args: ["args"] });
      expect(g.stdout).to.equal("argc 2\nargv[0] fidelity.wasm\nargv[1] args\n");
      const a = runGuarded(cli, AS_GUEST, { args: ["args"] });
      expect(a.stdout).to.equal("argc 2\nargv[0] fidelity-as.wasm\nargv[1] args\n");
    });

    it("stdio is not a terminal: isatty(0..2) is false (the raw SDK says true)", async () => {
      const r = await raw.run(C_GUEST, { args: ["isatty"] }, "fidelity.wasm");
      expect(r.stdout, "positive control: the SDK reports character devices").to.equal("isatty(0) 1\nisatty(1) 1\nisatty(2) 1\n");
      const g = runGuarded(cli, C_GUEST, { args: ["isatty"] });
      expect(g.stdout).to.equal("isatty(0) 0\nisatty(1) 0\nisatty(2) 0\n");
      expect(g.violations).to.deep.equal([]);
    });

    it("--env-clear: exactly the --env given, none of the enclave's", () => {
      const g = runGuarded(cli, C_GUEST, { args: ["env"], env: { A: "1", B: "two words" }, envClear: true });
      expect(g.stdout).to.equal("A=1\nB=two words\n");
      const as = runGuarded(cli, AS_GUEST, { args: ["env"], envClear: true });
      expect(as.stdout).to.equal("");
    });

    it("the default environment is the enclave's plus --env", () => {
      const g = runGuarded(cli, C_GUEST, { args: ["env"], env: { EXTRA: "x" } });
      const lines = g.stdout.split("\n").filter(Boolean);
      expect(lines).to.include.members(["EXTRA=x", "HOME=/workspace", "PATH=/bin", "USER=sandbox"]);
    });

    // wasi-libc keeps its own cwd string, "/" at start, which no WASI call can change: the
    // guard makes relative paths resolve in the workdir, getcwd() still says "/" (as raw).
    it("a module starts in the workdir: relative files land there; getcwd() says what the raw run says", () => {
      expect(runGuarded(cli, C_GUEST, { args: ["cwd"] }).stdout).to.equal("cwd /\n");
      const w = runGuarded(cli, C_GUEST, { args: ["write", "data.txt"] });
      expect(w.violations).to.deep.equal([]);
      const cat = cli.exec("cat /workspace/data.txt");
      expect(cat.stdout).to.equal("written\n");
    });

    it("under a read-only grant, an open asking for write rights without a writing flag is narrowed: it opens, and cannot truncate", async () => {
      const r = await raw.run(C_GUEST, { args: ["write-narrowed", "/bin", "cat"] }, "fidelity.wasm");
      expect(r.stdout, "positive control: raw, the truncation goes through").to.include("fd_filestat_set_size: errno 0\nsize after: 0\n");
      const g = runGuarded(cli, C_GUEST, { args: ["write-narrowed", "/bin", "cat"] });
      expect(g.stdout).to.include("path_open /bin with the preopen's rights: errno 0\n");
      expect(g.stdout).to.include("path_open cat below it: errno 0\n");
      expect(g.stdout).to.match(/fd_filestat_set_size: errno [1-9]\d*\nsize after: unchanged\n/);
      expect(g.violations).to.deep.equal([]);
    });

    it("a read-only grant: a descriptor opened to read cannot write (the runtime enforces rights)", () => {
      const g = runGuarded(cli, C_GUEST, { args: ["read-rights", "/etc/os-release"] });
      expect(g.stdout).to.match(/path_open \/etc\/os-release with read rights: errno 0\nfd_write: errno [1-9]\d*\nfd_filestat_set_size: errno [1-9]\d*\n/);
    });
  });
});
