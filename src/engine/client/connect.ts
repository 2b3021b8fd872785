// Reaching a running instance: light on purpose (no policy, YAML or binaryen), since
// every sandbox-exec goes through here.
import { EngineError } from "../errors.js";
import { startSuggestions } from "../enclave/hints.js";
import { instanceDir } from "../state/state-dir.js";
import { InstanceRecord, readInstanceRecord } from "../state/instance-record.js";
import { HostConnection } from "./connection.js";
import { canVerifyHosts, hostProcessOf } from "./host-process.js";
import { pidAlive } from "../state/pid-alive.js";

export { pidAlive };

/** How long a stopping host may take to exit after removing its socket (1 s of grace for its execs). */
const STOPPING_GRACE_MS = 1500;

export type InstanceStatus =
  | { state: "running"; record: InstanceRecord }
  /** its host lives (verified) but does not answer: never cleared as stale */
  | { state: "unreachable"; record: InstanceRecord; why: string }
  | { state: "dead"; record: InstanceRecord; why: string }
  | { state: "absent" };

/** What is known about instance `name`, checking that its host really answers and,
 *  when it does not, whether the pid the record names is still that host. */
export async function instanceStatus(name: string): Promise<InstanceStatus> {
  const dir = instanceDir(name);
  const record = readInstanceRecord(dir);
  if (!record) return { state: "absent" };
  try {
    const conn = await HostConnection.open(record.socket, record.token, 2);
    conn.close();
    return { state: "running", record };
  } catch (e) {
    const pid = record.pid;
    if (canVerifyHosts() ? hostProcessOf(pid, name, record.hostStartTicks) : pidAlive(pid)) {
      return { state: "unreachable", record, why: `its host process (pid ${pid}) is running but does not answer (${(e as Error).message})` };
    }
    const reused = pidAlive(pid) ? `; pid ${pid} is now another process` : "";
    return { state: "dead", record, why: `its host process (pid ${pid}) is no longer running (it died or was killed${reused})` };
  }
}

/** Connection to a running instance, or a clear error saying why there is none. */
export async function connectInstance(name: string): Promise<{ conn: HostConnection; record: InstanceRecord }> {
  const dir = instanceDir(name);
  const record = readInstanceRecord(dir);
  if (!record) throw notRunning(name);
  try {
    return { conn: await HostConnection.open(record.socket, record.token), record };
  } catch (e) {
    if (e instanceof EngineError && e.code === "VERSION_MISMATCH") throw e;
    let status = await instanceStatus(name);
    // A host being stopped removes its socket first and exits within about a second:
    // look again before calling a live host unreachable.
    if (status.state === "unreachable") {
      await new Promise((r) => setTimeout(r, STOPPING_GRACE_MS));
      status = await instanceStatus(name);
    }
    if (status.state === "unreachable") {
      throw new EngineError("HOST_DEAD", `enclave ${name} cannot be reached: ${status.why}`, {
        suggestions: [["stop its host with ", { do: "stop", name }, ", then start it again"]],
      });
    }
    const why = status.state === "dead" ? status.why : (e as Error).message;
    throw new EngineError("HOST_DEAD", `enclave ${name} is not running: ${why}`, {
      suggestions: startSuggestions(name, record.definition), // stale state is cleared by the next start
    });
  }
}

export function notRunning(name: string): EngineError {
  return new EngineError("ENCLAVE_NOT_RUNNING", `enclave ${name} is not running`, { suggestions: startSuggestions(name) });
}
