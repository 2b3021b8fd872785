// Issue 16: the CLI's hot commands against `node -e 0`, wall time of whole processes,
// medians of interleaved runs: a warm `sandbox-exec --cmd "echo hi"` (and the same by the
// ordinary oclif path) and `sandbox-start` with the module cache warm (each start is
// followed by an untimed stop).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alternate, checked, cliIn, fmt, row } from "./lib.mjs";

export async function benchCli() {
  const state = mkdtempSync(join(tmpdir(), "coreason-bench-"));
  const cli = cliIn(state);
  // the same CLI without its fast path (bin/hot-path.js), for comparison
  const ordinary = cliIn(state, { COREASON_NO_FAST_PATH: "1" });
  const node = () => execFileSync(process.execPath, ["-e", "0"], { stdio: "ignore" });
  try {
    cli("sys-diagnostics", "sandbox-start", "--enclave", "OpenShell");
    const execArgs = ["sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "echo hi"];
    const exec = await alternate(20, { node, exec: () => cli(...execArgs), ordinary: () => ordinary(...execArgs) });
    cli("sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell");
    const stop = () => cli("sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell");
    const start = await alternate(8, { node, start: () => cli("sys-diagnostics", "sandbox-start", "--enclave", "OpenShell") }, 1, { start: stop });
    return [
      checked(
        exec.exec / exec.node <= 1.5,
        'warm `sandbox-exec --cmd "echo hi"` vs `node -e 0` (process wall time)',
        fmt(exec.exec),
        fmt(exec.node),
        `${(exec.exec / exec.node).toFixed(2)}x`,
        "≤ 1.5x",
      ),
      row(
        "the same exec by the ordinary oclif path (`COREASON_NO_FAST_PATH=1`), for comparison",
        fmt(exec.ordinary),
        fmt(exec.node),
        `${(exec.ordinary / exec.node).toFixed(2)}x`,
        "measured",
        "",
      ),
      checked(
        start.start / start.node <= 5,
        "`sandbox-start` (module cache warm) vs `node -e 0` (process wall time)",
        fmt(start.start),
        fmt(start.node),
        `${(start.start / start.node).toFixed(2)}x`,
        "≤ 5x",
      ),
    ];
  } finally {
    try {
      cli("sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell");
    } catch {
      /* not running */
    }
    rmSync(state, { recursive: true, force: true });
  }
}
