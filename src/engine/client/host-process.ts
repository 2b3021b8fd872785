// Which processes are instance hosts of this state directory. A pid alone proves
// nothing: pids are reused, and instance.json can be edited or corrupt. A host is the
// process `node .../supervisor-main.js <instances>/<name>`, so a pid counts as the host
// of an instance only when its command line (from /proc) names supervisor-main.js and
// exactly that instance directory and, when the record gives one, its start time
// matches. Only such a process is ever signalled. Scanning /proc the same way finds
// every live host of the state directory, including one no record points at.
import { existsSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { allPids, procAvailable, procIdentity, startTimeOf } from "../state/process-tree.js";
import { checkInstanceName, instancesDir } from "../state/state-dir.js";
import { pidAlive } from "../state/pid-alive.js";

export const HOST_SCRIPT = "supervisor-main.js";

export interface HostProcess {
  pid: number;
  name: string;
  startTicks: number;
  /** ISO time the process started, when /proc tells */
  startedAt: string;
}

/** The instances directory as hosts are given it: absolute, symlinks resolved, so
 *  every client spells a host's directory the same way. */
export function hostInstancesRoot(): string {
  const root = resolve(instancesDir());
  return existsSync(root) ? realpathSync(root) : root;
}

/** The argument a host of instance `name` is started with. */
export function hostDirArg(name: string): string {
  return join(hostInstancesRoot(), checkInstanceName(name));
}

/** The instance directory a command line runs a host for, if it is a host at all. */
function hostDirOf(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => basename(a) === HOST_SCRIPT);
  return i > 0 && i === argv.length - 2 ? argv[i + 1] : undefined;
}

/** Whether the engine can tell a host from any other process here (Linux /proc). */
export const canVerifyHosts = procAvailable;

/** `pid` as the host of instance `name`, or undefined if it is not (or is gone). */
export function hostProcessOf(pid: number, name: string, startTicks?: number): HostProcess | undefined {
  if (!canVerifyHosts() || !Number.isInteger(pid) || pid <= 1) return undefined;
  const id = procIdentity(pid);
  if (!id || hostDirOf(id.argv) !== hostDirArg(name)) return undefined;
  if (startTicks !== undefined && id.startTicks !== startTicks) return undefined;
  return { pid, name, startTicks: id.startTicks, startedAt: startTimeOf(id.startTicks)?.toISOString() ?? "" };
}

/** Every live host of this state directory (of instance `name` only, if given). */
export function findHostProcesses(name?: string): HostProcess[] {
  if (!canVerifyHosts()) return [];
  const root = hostInstancesRoot();
  const out: HostProcess[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    const id = procIdentity(pid);
    const dir = id && hostDirOf(id.argv);
    if (!dir || dirname(dir) !== root) continue;
    const host = basename(dir);
    if (name !== undefined && host !== name) continue;
    out.push({ pid, name: host, startTicks: id.startTicks, startedAt: startTimeOf(id.startTicks)?.toISOString() ?? "" });
  }
  return out.sort((a, b) => a.startTicks - b.startTicks);
}

/** SIGTERM (the host stops its worker and removes its own socket), then SIGKILL after
 *  `graceMs`; each signal only after checking the pid is still this very host. True
 *  once it is gone. */
export async function stopHostProcess(host: HostProcess, graceMs = 2000): Promise<boolean> {
  const still = () => hostProcessOf(host.pid, host.name, host.startTicks) !== undefined;
  for (const [signal, waitMs] of [
    ["SIGTERM", graceMs],
    ["SIGKILL", 2000],
  ] as const) {
    if (!still()) return true;
    try {
      process.kill(host.pid, signal);
    } catch {
      return !pidAlive(host.pid);
    }
    const end = Date.now() + waitMs;
    while (still() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  }
  return !still();
}
