#!/usr/bin/env node
// Load run for serve: autocannon against POST /v1/enclaves/OpenShell/exec {cmd: "true"}
// for 20 s, compared with the raw @wasmer/sdk `command().run()` time of the same script
// measured in the same run. Passes when there are no non-2xx responses and the
// daemon's p50 is at most 3x the raw p50.
//   node bench/serve-load.mjs [--duration 20] [--connections 1] [--raw-runs 300]
// Needs a build (npm run build). Uses a fresh state directory; stops what it starts.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { Wasmer } from "@wasmer/sdk/node";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "run.js");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const DURATION = arg("duration", 20);
const CONNECTIONS = arg("connections", 1);
const RAW_RUNS = arg("raw-runs", 300);
const MAX_RATIO = 3;

const stateDir = process.argv.includes("--raw") ? "" : mkdtempSync(join(tmpdir(), "coreason-bench-"));
const env = { ...process.env, COREASON_STATE_DIR: stateDir };
const cli = (...args) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
};
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** The same script in a bare SDK sandbox: no daemon, no host process, no policy guard.
 *  Runs in a child process (--raw), so the SDK's worker threads are gone before the load run. */
async function rawSdk() {
  const bytes = readFileSync(join(ROOT, "dist", "guest", "openshell.wasm"));
  const wasmer = new Wasmer({ cache: false });
  const pkg = await wasmer.packages.create({ modules: { openshell: bytes }, commands: { sh: { module: "openshell" } }, entrypoint: "sh" });
  const sb = await wasmer.sandboxes.create({ packages: [pkg], network: { mode: "disabled" }, env: { PATH: "/bin", HOME: "/workspace", USER: "sandbox" } });
  const run = () => sb.command(pkg.command("sh"), ["-c", "true"]).run({ check: false, timeoutMs: 10000 });
  for (let i = 0; i < 20; i++) await run(); // warm workers
  const ms = [];
  for (let i = 0; i < RAW_RUNS; i++) {
    const t = performance.now();
    const out = await run();
    ms.push(performance.now() - t);
    if (out.exitCode !== 0) throw new Error(`raw run exited ${out.exitCode}`);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), runs: ms.length };
}

async function startServe() {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], { env, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  const url = await new Promise((resolve, reject) => {
    child.stderr.on("data", (d) => {
      err += d;
      const m = /listening url=(\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  child.stderr.resume();
  return { child, url };
}

const round2 = (x) => Math.round(x * 100) / 100;

/** The engine's own exec path (socket to the instance host) with no HTTP: what serve adds is the difference. */
async function engineDirect() {
  process.env.COREASON_STATE_DIR = stateDir;
  const { execInInstance } = await import("../dist/engine/client/exec.js");
  const ms = [];
  for (let i = 0; i < RAW_RUNS; i++) {
    const t = performance.now();
    const r = await execInInstance({ enclave: "OpenShell", script: "true" });
    ms.push(performance.now() - t);
    if (r.exitCode !== 0) throw new Error(`engine exec exited ${r.exitCode}`);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), runs: ms.length };
}

function rawInChild() {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--raw", "--raw-runs", String(RAW_RUNS)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`raw SDK run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

if (process.argv.includes("--raw")) {
  console.log(JSON.stringify(await rawSdk()));
  process.exit(0);
}

let server;
try {
  const raw = rawInChild();
  cli("authority", "init");
  const token = cli(
    "authority",
    "issue",
    "--subject",
    "bench",
    "--scope",
    "enclave:exec",
    "--scope",
    "enclave:start",
    "--scope",
    "enclave:stop",
    "--ttl",
    "1h",
  );
  server = await startServe();
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const started = await fetch(`${server.url}/v1/enclaves`, { method: "POST", headers, body: JSON.stringify({ enclave: "OpenShell" }) });
  if (started.status !== 201) throw new Error(`start: ${started.status} ${await started.text()}`);
  const execUrl = `${server.url}/v1/enclaves/OpenShell/exec`;
  const body = JSON.stringify({ cmd: "true" });
  for (let i = 0; i < 20; i++) await (await fetch(execUrl, { method: "POST", headers, body })).text(); // warm up
  const engine = await engineDirect();

  const result = await autocannon({ url: execUrl, method: "POST", headers, body, connections: CONNECTIONS, duration: DURATION });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  const ratio = result.latency.p50 / raw.p50;
  const report = {
    durationS: DURATION,
    connections: CONNECTIONS,
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.average * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx,
    engineDirect: { runs: engine.runs, p50Ms: round2(engine.p50), p99Ms: round2(engine.p99) },
    rawSdk: { runs: raw.runs, p50Ms: Math.round(raw.p50 * 100) / 100, p99Ms: Math.round(raw.p99 * 100) / 100 },
    p50Ratio: Math.round(ratio * 100) / 100,
    pass: non2xx === 0 && ratio <= MAX_RATIO,
  };
  console.log(`serve exec {cmd:"true"}: ${report.reqPerSec} req/s over ${DURATION} s (${CONNECTIONS} connection(s), ${report.requests} requests)`);
  console.log(`  latency p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms; non-2xx/errors ${non2xx}`);
  console.log(`  engine execInInstance() without HTTP: p50 ${report.engineDirect.p50Ms} ms, p99 ${report.engineDirect.p99Ms} ms (${engine.runs} runs)`);
  console.log(`  raw @wasmer/sdk command().run(): p50 ${report.rawSdk.p50Ms} ms, p99 ${report.rawSdk.p99Ms} ms (${raw.runs} runs)`);
  console.log(`  p50 ratio ${report.p50Ratio}x (limit ${MAX_RATIO}x): ${report.pass ? "PASS" : "FAIL"}`);
  console.log(JSON.stringify(report));
  await fetch(`${server.url}/v1/enclaves/OpenShell`, { method: "DELETE", headers });
  process.exitCode = report.pass ? 0 : 1;
} finally {
  if (server) {
    server.child.kill("SIGTERM");
    await new Promise((r) => server.child.once("exit", r));
  }
  spawnSync(process.execPath, [BIN, "sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"], { env });
  rmSync(stateDir, { recursive: true, force: true });
}
process.exit(); // autocannon's agents can keep the loop alive
