// Issue 2: a warm `sandbox-exec --cmd "echo hi"` against a bare command of the same
// CLI (`--version`), wall time of whole processes, median of 10, alternating.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alternate, fmt, row } from "./lib.mjs";

export async function benchCli() {
  const state = mkdtempSync(join(tmpdir(), "coreason-bench-"));
  const env = { ...process.env, COREASON_STATE_DIR: state };
  const cli = (...args) => execFileSync(process.execPath, ["bin/run.js", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  cli("sys-diagnostics", "sandbox-start", "--enclave", "OpenShell");
  try {
    const m = await alternate(10, {
      version: () => cli("--version"),
      exec: () => cli("sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "echo hi"),
    });
    return [row("warm `sandbox-exec --cmd \"echo hi\"` vs `coreason-server --version` (process wall time)", fmt(m.exec), fmt(m.version), `${(m.exec / m.version).toFixed(2)}x`, "≤ 1.3x")];
  } finally {
    cli("sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell");
    rmSync(state, { recursive: true, force: true });
  }
}
