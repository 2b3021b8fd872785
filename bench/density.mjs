// Issue 16: what enclaves cost as work grows. The probe suite's wall time; an idle
// instance's memory (PSS of its host's process tree, /proc/PID/smaps_rollup, after one
// exec and the idle collection) alone and with 10 and 50 side by side; and 1 to 8
// concurrent execs across as many instances (engine API, no CLI): throughput, p50, p99.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checked, cliIn, fmt, mib, quantile, row, treePss } from "./lib.mjs";

const MiB = 1024 ** 2;
// the idle GC runs 200 ms after the exec, V8's memory reducer 500 ms after a full GC (host-runtime.ts)
const settle = () => new Promise((r) => setTimeout(r, 1000));

export async function benchDensity() {
  const state = mkdtempSync(join(tmpdir(), "coreason-bench-"));
  const previous = process.env.COREASON_STATE_DIR;
  process.env.COREASON_STATE_DIR = state; // the engine API below reads it
  const cli = cliIn(state);
  const { execInInstance } = await import("../dist/engine/client/exec.js");
  const started = [];
  const start = (name) => {
    const rec = JSON.parse(cli("sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--name", name, "--json").toString());
    started.push(name);
    return rec.pid;
  };
  const rows = [];
  try {
    const t = performance.now();
    const probe = JSON.parse(
      execFileSync(process.execPath, ["bin/run.js", "sys-diagnostics", "sandbox-probe", "--enclave", "OpenShell", "--json"], {
        env: { ...process.env },
        maxBuffer: 64 * MiB,
      }).toString(),
    );
    const probeMs = performance.now() - t;
    rows.push(
      checked(
        probeMs <= 5000 && probe.passed,
        `\`sandbox-probe\` of the whole catalogue (${probe.totals.total} probes, ${probe.totals.held} held; process wall time)`,
        fmt(probeMs),
        "",
        "",
        "≤ 5000 ms, all held",
      ),
    );

    const pids = [];
    for (const n of [1, 10, 50]) {
      while (pids.length < n) {
        const pid = start(`idle-${pids.length}`);
        await execInInstance({ enclave: `idle-${pids.length}`, script: "echo hi", onOutput: () => {} });
        pids.push(pid);
      }
      await settle();
      const each = pids.map((p) => treePss(p));
      const mean = each.reduce((a, b) => a + b, 0) / n;
      if (n === 1) {
        // the file-backed part is the node binary's pages, shared with every node process here
        const figure = `${mib(each[0])} (anonymous ${mib(treePss(pids[0], "Pss_Anon"))}, file ${mib(treePss(pids[0], "Pss_File"))})`;
        rows.push(checked(each[0] <= 60 * MiB, "an idle instance after one exec, alone (PSS of its process tree)", figure, "", "", "≤ 60 MiB"));
      } else
        rows.push(
          row(`${n} idle instances side by side: total PSS (mean each)`, `${mib(each.reduce((a, b) => a + b, 0))} (${mib(mean)})`, "", "", "measured", ""),
        );
    }
    for (const k of [1, 2, 4, 8]) {
      const lat = [];
      const per = 15;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: k }, async (_, i) => {
          for (let j = 0; j < per; j++) {
            const t1 = performance.now();
            await execInInstance({ enclave: `idle-${i}`, script: "echo hi", onOutput: () => {} });
            lat.push(performance.now() - t1);
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      rows.push(
        row(
          `${k} concurrent \`echo hi\` execs across ${k} instances (engine API): throughput, p50, p99`,
          `${(lat.length / secs).toFixed(0)}/s, p50 ${fmt(quantile(lat, 0.5))}, p99 ${fmt(quantile(lat, 0.99))}`,
          "",
          "",
          "measured",
          "",
        ),
      );
    }
  } finally {
    for (const name of started)
      try {
        cli("sys-diagnostics", "sandbox-stop", "--enclave", name);
      } catch {
        /* gone */
      }
    rmSync(state, { recursive: true, force: true });
    if (previous === undefined) delete process.env.COREASON_STATE_DIR;
    else process.env.COREASON_STATE_DIR = previous;
  }
  return rows;
}
