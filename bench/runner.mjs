// Issue 14: a one-shot `coreason-engine run` of a small module against `node -e 0`,
// wall time of whole processes, median of 10, alternating (module cache warm).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alternate, fmt, row } from "./lib.mjs";

export async function benchRunner() {
  const state = mkdtempSync(join(tmpdir(), "coreason-bench-"));
  const env = { ...process.env, COREASON_STATE_DIR: state };
  const node = (...args) => execFileSync(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  try {
    const m = await alternate(10, {
      node: () => node("-e", "0"),
      run: () => node("bin/engine.js", "run", "dist/guest/fixtures/hello.wasm"),
    });
    return [
      row(
        "one-shot `coreason-engine run hello.wasm` vs `node -e 0` (process wall time)",
        fmt(m.run),
        fmt(m.node),
        `${(m.run / m.node).toFixed(2)}x`,
        "measured",
      ),
    ];
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
