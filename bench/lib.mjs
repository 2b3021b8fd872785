// Shared helpers: side-by-side timing, alternating A and B so machine noise hits both,
// and the targets' verdicts (npm run bench exits 1 when one is missed).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export const median = (xs) => quantile(xs, 0.5);
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};

/** Runs each of `fns` `rounds` times, interleaved; returns the median ms of each.
 *  `after[k]`, if given, runs untimed after each run of `fns[k]` (a stop after a start). */
export async function alternate(rounds, fns, warmup = 2, after = {}) {
  const once = async (k, f) => {
    const t = performance.now();
    await f();
    const ms = performance.now() - t;
    await after[k]?.();
    return ms;
  };
  for (let i = 0; i < warmup; i++) for (const [k, f] of Object.entries(fns)) await once(k, f);
  const times = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) for (const [k, f] of Object.entries(fns)) times[k].push(await once(k, f));
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

export const fmt = (ms) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
export const mib = (bytes) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
export const row = (...cells) => `| ${cells.join(" | ")} |`;

/** Targets missed in this run (bench/run.mjs exits 1 when any). */
export const misses = [];
/** A row whose figure must meet its target: `ok` says whether it did. */
export function checked(ok, ...cells) {
  if (!ok) misses.push(cells[0]);
  return row(...cells, ok ? "met" : "**MISSED**");
}

/** The CLI as a child process, in the state directory `state` (and `env`). */
export const cliIn =
  (state, env = {}) =>
  (...args) =>
    execFileSync(process.execPath, ["bin/run.js", ...args], { env: { ...process.env, COREASON_STATE_DIR: state, ...env }, stdio: ["ignore", "pipe", "pipe"] });

/** `pid` and its descendants. */
export function treePids(pid) {
  const children = new Map();
  for (const d of readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const s = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  const out = [];
  for (const stack = [pid]; stack.length;) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Proportional set size of `pid` and its descendants (/proc/PID/smaps_rollup), bytes;
 *  `field` "Pss_Anon" or "Pss_File" for its anonymous or file-backed part. */
export function treePss(pid, field = "Pss") {
  let total = 0;
  for (const p of treePids(pid)) {
    try {
      total += Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"))[1]) * 1024;
    } catch {
      /* gone */
    }
  }
  return total;
}
