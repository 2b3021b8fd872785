// CPU accounting of a process tree from /proc (Linux): proves a runaway guest stopped.
import { existsSync, readdirSync, readFileSync } from "node:fs";

function stat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

export function treePids(root: number): number[] {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  const parent = new Map(all.map((p) => [p, stat(p)?.ppid ?? -1]));
  const out = [root];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of parent) if (out.includes(pp) && !out.includes(p)) (out.push(p), (grew = true));
  }
  return out;
}

/** CPU seconds (user + system) the tree under `root` uses during `ms` of wall time;
 *  null where /proc is not available. Clock ticks are 100 Hz on Linux. */
export async function cpuSecondsOfTree(root: number, ms: number): Promise<number | null> {
  if (!existsSync("/proc/self/stat")) return null;
  const ticks = () => treePids(root).reduce((sum, p) => sum + (stat(p)?.ticks ?? 0), 0);
  const before = ticks();
  await new Promise((r) => setTimeout(r, ms));
  return (ticks() - before) / 100;
}
