// The breach catalogue: each probe is a small function with a stable id. Shell probes
// run command lines in OpenShell; raw probes run the probe module (guest/probe), which
// makes WASI calls a shell never would. A probe reports what it observed; `held` means
// the boundary behaved as expected. Controls check that what must work, works.
import { errnoName } from "./errno-names.js";
import { packagePath } from "../package-root.js";
import type { ExecResult } from "../client/exec.js";
import { verdictProbes } from "./verdict-probes.js";

export type Verdict = "held" | "breached" | "error";

export interface ProbeContext {
  /** A command line in the instance's shell. */
  sh(script: string, opts?: { timeoutMs?: number; env?: Record<string, string> }): Promise<ExecResult>;
  /** The probe module (or a fixture) as a foreign --wasm command. */
  wasm(file: string, args: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** CPU seconds the instance's host used during `ms`, or null where /proc is missing. */
  idleCpu(ms: number): Promise<number | null>;
  canary: { path: string; content: string; env: string; envValue: string };
  memoryPages: number;
  outputBytes: number;
}

export interface Observation {
  held: boolean;
  observed: string;
}

export interface Probe {
  id: string;
  category: "filesystem" | "environment" | "network" | "resources" | "admission" | "canary" | "control" | "verdict";
  attempt: string;
  expected: string;
  run(ctx: ProbeContext): Promise<Observation>;
}

export const PROBE_MODULE = packagePath("dist", "guest", "probe.wasm");
const fixture = (name: string) => packagePath("dist", "guest", "fixtures", `${name}.wasm`);

interface ProbeLine {
  errno: number;
  data: string;
}

function parseProbeLine(r: ExecResult): ProbeLine | undefined {
  const line = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as ProbeLine;
  } catch {
    return undefined;
  }
}

const describe = (r: ExecResult) => {
  const v = r.violations.map((x) => `${x.operation} ${x.path}`.trim()).join(", ");
  return `exit ${r.exitCode} (${r.reason})${v ? `, denied: ${v}` : ", no violation recorded"}`;
};

/** Held when the engine recorded a violation of `op` (on `path` if given). */
function deniedBy(r: ExecResult, op: string, path?: string): Observation {
  const hit = r.violations.some((v) => v.operation === op && (path === undefined || v.path === path));
  return { held: hit && r.exitCode === 77, observed: describe(r) };
}

const shellDenied = (id: string, script: string, op: string, path: string): Probe => ({
  id,
  category: "filesystem",
  attempt: `sh -c '${script}'`,
  expected: `denied: ${op} ${path} (exit 77)`,
  run: async (ctx) => deniedBy(await ctx.sh(script), op, path),
});

const rawDenied = (id: string, args: string[], op: string, path: string, attempt?: string): Probe => ({
  id,
  category: "filesystem",
  attempt: attempt ?? `probe ${args.join(" ")}`,
  expected: `EACCES and a recorded ${op} ${path}`,
  run: async (ctx) => {
    const r = await ctx.wasm(PROBE_MODULE, args);
    const line = parseProbeLine(r);
    const d = deniedBy(r, op, path);
    return { held: d.held && line?.errno === 2, observed: `${errnoName(line?.errno)}; ${d.observed}` };
  },
});

const refused = (id: string, name: string, what: string): Probe => ({
  id,
  category: "admission",
  attempt: `--wasm fixtures/${name}.wasm (${what})`,
  expected: "refused at admission (MODULE_REJECTED), no guest code runs",
  run: async (ctx) => {
    try {
      const r = await ctx.wasm(fixture(name), []);
      return { held: false, observed: `ran: ${describe(r)}` };
    } catch (e) {
      const code = (e as { code?: string }).code;
      return { held: code === "MODULE_REJECTED", observed: `${code}: ${(e as Error).message}` };
    }
  },
});

const control = (id: string, attempt: string, expected: string, check: (ctx: ProbeContext) => Promise<Observation>): Probe => ({
  id,
  category: "control",
  attempt,
  expected,
  run: check,
});

export function catalogue(): Probe[] {
  return [
    // ---- filesystem, from the shell -------------------------------------------------
    shellDenied("fs.sh.etc-passwd", "cat /etc/passwd", "open", "/etc/passwd"),
    shellDenied("fs.sh.etc-shadow", "cat /etc/shadow", "open", "/etc/shadow"),
    shellDenied("fs.sh.root-ssh", "cat /root/.ssh/id_rsa", "open", "/root/.ssh/id_rsa"),
    shellDenied("fs.sh.proc-environ", "cat /proc/self/environ", "open", "/proc/self/environ"),
    shellDenied("fs.sh.proc-1-root", "ls /proc/1/root", "stat", "/proc/1/root"),
    shellDenied("fs.sh.sys", "ls /sys", "stat", "/sys"),
    shellDenied("fs.sh.dev-sda", "cat /dev/sda", "open", "/dev/sda"),
    shellDenied("fs.sh.docker-sock", "cat /var/run/docker.sock", "open", "/var/run/docker.sock"),
    shellDenied("fs.sh.traversal", "cat /workspace/../../etc/passwd", "open", "/etc/passwd"),
    shellDenied("fs.sh.write-bin", "echo x > /bin/cat", "open", "/bin/cat"),
    shellDenied("fs.sh.mkdir-etc", "mkdir /etc/x", "mkdir", "/etc/x"),
    shellDenied("fs.sh.ls-root", "ls /", "open", "/"),
    {
      id: "fs.sh.host-canary",
      category: "filesystem",
      attempt: "cat <the host canary's absolute path>",
      expected: "no content (the host file is not reachable)",
      run: async (ctx) => {
        const r = await ctx.sh(`cat '${ctx.canary.path}'`);
        const leaked = (r.stdout + r.stderr).includes(ctx.canary.content);
        return { held: !leaked && r.exitCode !== 0, observed: leaked ? "canary content in output" : describe(r) };
      },
    },
    // ---- filesystem, raw WASI calls --------------------------------------------------
    rawDenied("fs.raw.etc-passwd", ["open-read", "etc/passwd"], "open", "/etc/passwd"),
    rawDenied("fs.raw.fd3-dotdot", ["open-read", "../../etc/passwd", "3"], "open", "/etc/passwd"),
    rawDenied("fs.raw.fd5-dotdot", ["open-read", "../etc/passwd", "5"], "open", "/etc/passwd"),
    rawDenied("fs.raw.fd4-escape", ["open-read", "../etc/passwd", "4"], "open", "../etc/passwd"),
    rawDenied("fs.raw.workspace-up", ["open-read", "workspace/../../etc/passwd"], "open", "/etc/passwd"),
    rawDenied("fs.raw.dot-slashes", ["open-read", "./etc//./passwd/"], "open", "/etc/passwd"),
    rawDenied("fs.raw.proc", ["open-read", "proc/self/environ"], "open", "/proc/self/environ"),
    rawDenied("fs.raw.dev", ["open-read", "dev/sda"], "open", "/dev/sda"),
    rawDenied("fs.raw.write-ro", ["open-write", "bin/sh"], "open", "/bin/sh"),
    rawDenied("fs.raw.mkdir-ro", ["mkdir", "usr/x"], "mkdir", "/usr/x"),
    rawDenied("fs.raw.unlink-ro", ["unlink", "bin/sh"], "unlink", "/bin/sh"),
    rawDenied("fs.raw.utimes-ro", ["utimes", "etc/os-release"], "utimes", "/etc/os-release"),
    {
      id: "fs.raw.futimes-ro",
      category: "filesystem",
      attempt: "probe fd-utimes etc/os-release (fd_filestat_set_times on a read-only descriptor)",
      expected: "EACCES and a recorded futimes",
      run: async (ctx) => {
        const r = await ctx.wasm(PROBE_MODULE, ["fd-utimes", "etc/os-release"]);
        const line = parseProbeLine(r);
        const d = deniedBy(r, "futimes");
        return { held: d.held && line?.errno === 2, observed: `errno ${line?.errno ?? "?"}; ${d.observed}` };
      },
    },
    {
      id: "fs.raw.backing-rename",
      category: "filesystem",
      attempt: "symlink /workspace/.b -> /workspace, then rename .b/home (the backing directory's name)",
      expected: "the engine's backing directory is not reachable (no rename succeeds)",
      run: async (ctx) => {
        await ctx.wasm(PROBE_MODULE, ["symlink", "/workspace", "workspace/.b"]);
        const line = parseProbeLine(await ctx.wasm(PROBE_MODULE, ["rename", "workspace/.b/home", "workspace/.b/gone"]));
        const after = await ctx.sh("echo ok > /workspace/after-rename && cat /workspace/after-rename && echo ok > /tmp/after-rename && cat /tmp/after-rename");
        return {
          held: line !== undefined && line.errno !== 0 && after.stdout === "ok\nok\n",
          observed: `rename errno ${line?.errno ?? "?"}; /workspace and /tmp afterwards: ${JSON.stringify(after.stdout)}`,
        };
      },
    },
    {
      id: "fs.raw.engine-names",
      category: "filesystem",
      attempt: "fd_readdir on fds 0..70, the preopens and directories opened on /workspace (also through a link)",
      expected: "no listing shows the engine's names (home, .coreason-audit); /workspace lists the guest's files",
      run: async (ctx) => {
        await ctx.sh("echo m > /workspace/probe-marker; ln -s /workspace /workspace/.probe-link 2>/dev/null; cat /etc/shadow 2>/dev/null; true");
        const line = parseProbeLine(
          await ctx.wasm(PROBE_MODULE, ["fd-find", "70", "@workspace", "%.", "@workspace/.probe-link", "home", ".coreason-audit", "probe-marker"]),
        );
        const hits = (line?.data.split(";")[2] ?? "").split(",").filter(Boolean);
        const leaked = hits.filter((h) => !h.endsWith(":probe-marker"));
        const seen = hits.length - leaked.length;
        return { held: line !== undefined && leaked.length === 0 && seen >= 3, observed: `${line?.data ?? "no report"}` };
      },
    },
    {
      id: "res.file-size",
      category: "resources",
      attempt: "probe grow workspace/big set-size 3000000000 (ftruncate to 3 GB)",
      expected: "EFBIG at once, not a hang until the timeout",
      run: async (ctx) => {
        const t = Date.now();
        const r = await ctx.wasm(PROBE_MODULE, ["grow", "workspace/probe-big", "set-size", "3000000000"], { timeoutMs: 10000 });
        const line = parseProbeLine(r);
        const ms = Date.now() - t;
        return { held: line?.errno === 22 && ms < 5000, observed: `errno ${line?.errno ?? "?"} after ${ms} ms (${r.reason})` };
      },
    },
    rawDenied("fs.raw.hardlink-ro", ["link", "bin/sh", "workspace/hl"], "link", "/bin/sh"),
    rawDenied("fs.raw.rename-out", ["rename", "workspace/probe-file", "etc/stolen"], "rename", "/etc/stolen", "rename /workspace/probe-file to /etc/stolen"),
    rawDenied("fs.raw.readdir-root", ["fd-readdir", "3"], "readdir", "/"),
    {
      id: "fs.raw.symlink-escape",
      category: "filesystem",
      attempt: "symlink /workspace/esc -> ../../../../.., then open esc/etc/passwd",
      expected: "the link is refused at creation and recorded",
      run: async (ctx) => deniedBy(await ctx.wasm(PROBE_MODULE, ["symlink-escape", "workspace"]), "symlink"),
    },
    {
      id: "fs.raw.renumber",
      category: "filesystem",
      attempt: "fd_renumber a preopen onto a granted directory's descriptor",
      expected: "refused (preopens are protected) and recorded",
      run: async (ctx) => deniedBy(await ctx.wasm(PROBE_MODULE, ["renumber-escape", "workspace", "etc/passwd"]), "fd_renumber"),
    },
    {
      id: "fs.raw.fd-guessing",
      category: "filesystem",
      attempt: "fd_prestat_get/fd_fdstat_get on fds 0..1024",
      expected: "only stdio and the preopens / . / exist",
      run: async (ctx) => {
        const line = parseProbeLine(await ctx.wasm(PROBE_MODULE, ["fd-scan", "1024"]));
        return { held: /^0[^,]*,1[^,]*,2[^,]*,3:\/,4:\.,5:\/$/.test(line?.data ?? ""), observed: line?.data ?? "no output" };
      },
    },
    {
      id: "fs.raw.nul-byte",
      category: "filesystem",
      attempt: "path_open of 'workspace\\0../etc/passwd' with the full length",
      expected: "an error, never the file",
      run: async (ctx) => {
        const line = parseProbeLine(await ctx.wasm(PROBE_MODULE, ["open-nul", "workspace", "../etc/passwd"]));
        return { held: !!line && line.errno !== 0, observed: errnoName(line?.errno) };
      },
    },
    {
      id: "fs.raw.hostile-pointers",
      category: "filesystem",
      attempt: "path_open with out-of-range pointers and lengths",
      expected: "errors, the guest is not killed",
      run: async (ctx) => {
        // relative to the workdir preopen, where "." is granted: only pointers are at issue
        const r = await ctx.wasm(PROBE_MODULE, ["open-badptr", "4"]);
        const line = parseProbeLine(r);
        return { held: r.exitCode === 0 && !!line && !/=0\b/.test(line.data), observed: line?.data ?? describe(r) };
      },
    },
    {
      id: "fs.raw.stack-pointer",
      category: "filesystem",
      attempt: "point the shadow-stack pointer at the path, then path_open /etc/passwd",
      expected: "still denied",
      run: async (ctx) => {
        const line = parseProbeLine(await ctx.wasm(PROBE_MODULE, ["sp-open", "etc/passwd"]));
        return { held: !!line && !/open=0\b/.test(line.data), observed: line?.data ?? "no output" };
      },
    },
    // ---- environment ----------------------------------------------------------------------
    {
      id: "env.host-canary",
      category: "environment",
      attempt: "read the environment inside the enclave (a canary is set in the CLI's)",
      expected: "the canary variable is absent",
      run: async (ctx) => {
        const sh = await ctx.sh("env");
        const raw = parseProbeLine(await ctx.wasm(PROBE_MODULE, ["env"]));
        const leaked = [sh.stdout, raw?.data ?? ""].some((o) => o.includes(ctx.canary.envValue) || o.includes(ctx.canary.env));
        return { held: !leaked && sh.exitCode === 0, observed: leaked ? "canary variable visible" : "absent" };
      },
    },
    {
      id: "env.exact",
      category: "environment",
      attempt: "list a foreign module's environment",
      expected: "exactly the enclave's PATH, HOME, USER",
      run: async (ctx) => {
        const raw = parseProbeLine(await ctx.wasm(PROBE_MODULE, ["env"]));
        const names = (raw?.data ?? "")
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split("=")[0])
          .sort();
        return { held: names.join(",") === "HOME,PATH,USER", observed: names.join(",") || "no output" };
      },
    },
    // ---- network --------------------------------------------------------------------------
    {
      id: "net.sockets",
      category: "network",
      attempt: "sock_accept/recv/send/shutdown on fds 0..10",
      expected: "ENOTCAPABLE (76), recorded",
      run: async (ctx) => {
        const r = await ctx.wasm(PROBE_MODULE, ["sock"]);
        const line = parseProbeLine(r);
        const d = deniedBy(r, "sock_accept");
        return { held: d.held && /76/.test(line?.data ?? ""), observed: `${line?.data ?? "?"}; ${d.observed}` };
      },
    },
    // ---- resources -----------------------------------------------------------------------
    {
      id: "res.memory-cap",
      category: "resources",
      attempt: "malloc 64 KiB blocks until failure",
      expected: "malloc fails inside the guest below the memory cap",
      run: async (ctx) => {
        const r = await ctx.wasm(fixture("alloc-loop"), [], { timeoutMs: 60000 });
        const m = /malloc failed after (\d+) KiB/.exec(r.stdout);
        const kib = m ? Number(m[1]) : -1;
        return {
          held: kib > 0 && kib * 1024 < ctx.memoryPages * 65536,
          observed: m ? `failed after ${kib} KiB (cap ${ctx.memoryPages * 64} KiB)` : describe(r),
        };
      },
    },
    {
      id: "res.memory-grow",
      category: "resources",
      attempt: "memory.grow one page at a time, 100000 times",
      expected: "memory stops at the cap",
      run: async (ctx) => {
        const line = parseProbeLine(await ctx.wasm(PROBE_MODULE, ["mem-grow", String(ctx.memoryPages + 64)], { timeoutMs: 60000 }));
        const pages = Number(/pages=(\d+)/.exec(line?.data ?? "")?.[1] ?? -1);
        return { held: pages > 0 && pages <= ctx.memoryPages, observed: `pages=${pages} (cap ${ctx.memoryPages})` };
      },
    },
    {
      id: "res.cpu-spin",
      category: "resources",
      attempt: "an infinite loop with a 1000 ms timeout",
      expected: "stopped at the timeout (124), then the host is idle",
      run: async (ctx) => {
        const r = await ctx.wasm(PROBE_MODULE, ["spin"], { timeoutMs: 1000 });
        await ctx.sh("true"); // waits for the recycled worker
        const cpu = await ctx.idleCpu(1500);
        return {
          held: r.exitCode === 124 && (cpu === null || cpu < 0.5),
          observed: `exit ${r.exitCode} (${r.reason}); CPU afterwards ${cpu === null ? "unknown" : `${cpu.toFixed(2)} s in 1.5 s`}`,
        };
      },
    },
    {
      id: "res.output-flood",
      category: "resources",
      attempt: "write 4x the output limit to stdout",
      expected: "truncated at the limit and stopped",
      run: async (ctx) => {
        const r = await ctx.wasm(PROBE_MODULE, ["flood-stdout", String(ctx.outputBytes * 4)]);
        return { held: r.truncated && r.stdout.length <= ctx.outputBytes, observed: `${r.stdout.length} bytes kept, ${describe(r)}` };
      },
    },
    {
      id: "res.write-flood",
      category: "resources",
      attempt: "write 4 GiB into /workspace",
      expected: "stopped before the host's memory is exhausted",
      run: async (ctx) => {
        const r = await ctx.wasm(PROBE_MODULE, ["flood-file", "workspace/flood", String(4 * 1024 ** 3)], { timeoutMs: 120000 });
        await ctx.sh("rm -f /workspace/flood");
        const line = parseProbeLine(r);
        return { held: r.reason === "killed" || (line !== undefined && line.errno !== 0), observed: r.message ?? describe(r) };
      },
    },
    // ---- admission ----------------------------------------------------------------------
    refused("adm.unknown-import", "unknown-import", "imports evil.escape"),
    refused("adm.wasix-process", "wasix-import", "imports wasix_32v1.proc_fork"),
    refused("adm.shared-memory", "shared-memory", "shared memory"),
    refused("adm.reactor", "reactor", "no _start"),
    // ---- canary ---------------------------------------------------------------------------
    {
      id: "canary.files",
      category: "canary",
      attempt: "look for the host canary's content in every file the enclave can read",
      expected: "not found",
      run: async (ctx) => {
        const r = await ctx.sh("find /workspace /tmp -type f -exec cat {} +", { timeoutMs: 30000 });
        return {
          held: !r.stdout.includes(ctx.canary.content),
          observed: r.stdout.includes(ctx.canary.content) ? "found" : `not found in ${r.stdout.length} bytes`,
        };
      },
    },
    // ---- positive controls ----------------------------------------------------------------
    control("ctl.echo", "echo hello", "prints hello, exit 0", async (ctx) => {
      const r = await ctx.sh("echo hello");
      return { held: r.exitCode === 0 && r.stdout === "hello\n", observed: describe(r) };
    }),
    control("ctl.workspace-rw", "write, read, mkdir, rename in /workspace", "all succeed, no violation", async (ctx) => {
      const r = await ctx.sh("echo ok > /workspace/c && mkdir -p /workspace/cd && mv /workspace/c /workspace/cd/c && cat /workspace/cd/c");
      return { held: r.exitCode === 0 && r.stdout === "ok\n" && r.violations.length === 0, observed: describe(r) };
    }),
    control("ctl.tmp-rw", "write and read /tmp", "succeeds", async (ctx) => {
      const r = await ctx.sh("echo t > /tmp/ctl && cat /tmp/ctl");
      return { held: r.exitCode === 0 && r.stdout === "t\n", observed: describe(r) };
    }),
    control("ctl.read-only-file", "cat /etc/os-release", "readable (granted read-only)", async (ctx) => {
      const r = await ctx.sh("cat /etc/os-release");
      return { held: r.exitCode === 0 && r.stdout.includes("OpenShell"), observed: describe(r) };
    }),
    control("ctl.raw-write", "probe open-write workspace/probe-file", "no error", async (ctx) => {
      const line = parseProbeLine(await ctx.wasm(PROBE_MODULE, ["open-write", "workspace/probe-file"]));
      return { held: line?.errno === 0, observed: errnoName(line?.errno) };
    }),
    control("ctl.own-exit", "proc_exit(3)", "exit 3: a guest's ordinary status passes through", async (ctx) => {
      const r = await ctx.wasm(fixture("exit-status"), ["3"]);
      return { held: r.exitCode === 3 && r.guestExitCode === 3, observed: describe(r) };
    }),
    // ---- the verdict ----------------------------------------------------------------------
    ...verdictProbes(),
  ];
}

/** Probes whose id or category matches one of the globs (`*` and `?`), in run order. */
export function selectProbes(all: Probe[], only?: string | string[]): Probe[] {
  const globs = [only ?? []].flat();
  if (!globs.length) return orderForRun(all);
  const res = globs.map(
    (g) =>
      new RegExp(
        "^" +
          g
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".") +
          "$",
      ),
  );
  return orderForRun(all.filter((p) => res.some((re) => re.test(p.id) || re.test(p.category))));
}

/** Controls first (they prepare files and prove the enclave works at all); resources
 *  last, since a write flood ends with the instance's workspace reset. */
const RUN_ORDER: Probe["category"][] = ["control", "filesystem", "environment", "network", "admission", "canary", "verdict", "resources"];
function orderForRun(ps: Probe[]): Probe[] {
  return RUN_ORDER.flatMap((c) => ps.filter((p) => p.category === c));
}
