// Processes as /proc (Linux) shows them: CPU accounting of a process tree (proves a
// runaway guest stopped) and the identity of a process (its command line and start
// time), so a pid is never trusted on its own.
import { existsSync, readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  state: string;
  ppid: number;
  ticks: number;
  /** start time, in clock ticks after boot: with the pid, unique on this boot */
  startTicks: number;
}

function stat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name may hold spaces and ')': fields start after the last ')'
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0], ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

export function procAvailable(): boolean {
  return existsSync("/proc/self/stat");
}

export function allPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export interface ProcIdentity {
  pid: number;
  argv: string[];
  startTicks: number;
}

/** Who `pid` is now; undefined when it is gone, a zombie, or /proc cannot tell. */
export function procIdentity(pid: number): ProcIdentity | undefined {
  const s = stat(pid);
  if (!s || s.state === "Z") return undefined;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    if (argv[argv.length - 1] === "") argv.pop();
    return { pid, argv, startTicks: s.startTicks };
  } catch {
    return undefined;
  }
}

/** The wall-clock time a process started, from its start ticks and the boot time. */
export function startTimeOf(startTicks: number): Date | undefined {
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
    return btime ? new Date(Number(btime[1]) * 1000 + (startTicks * 1000) / TICKS_PER_SECOND) : undefined;
  } catch {
    return undefined;
  }
}

export function treePids(root: number): number[] {
  const all = allPids();
  const parent = new Map(all.map((p) => [p, stat(p)?.ppid ?? -1]));
  const out = [root];
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of parent) {
      if (!out.includes(pp) || out.includes(p)) continue;
      out.push(p);
      grew = true;
    }
  }
  return out;
}

/** CPU seconds (user + system) the tree under `root` uses during `ms` of wall time;
 *  null where /proc is not available. */
export async function cpuSecondsOfTree(root: number, ms: number): Promise<number | null> {
  if (!procAvailable()) return null;
  const ticks = () => treePids(root).reduce((sum, p) => sum + (stat(p)?.ticks ?? 0), 0);
  const before = ticks();
  await new Promise((r) => setTimeout(r, ms));
  return (ticks() - before) / TICKS_PER_SECOND;
}
