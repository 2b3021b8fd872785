// Whether a pid is alive at all (not whose it is: see host-process.ts for that).
import { readFileSync } from "node:fs";

/** A killed host lingers as a zombie until reaped: that is not alive. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true; // no /proc: trust kill(0)
  }
}
