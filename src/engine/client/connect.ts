// Reaching a running instance: light on purpose (no policy, YAML or binaryen), since
// every sandbox-exec goes through here.
import { readFileSync } from "node:fs";
import { EngineError } from "../errors.js";
import { startSuggestions } from "../enclave/definitions.js";
import { instanceDir } from "../state/state-dir.js";
import { InstanceRecord, readInstanceRecord } from "../state/instance-record.js";
import { HostConnection } from "./connection.js";

export type InstanceStatus =
  | { state: "running"; record: InstanceRecord }
  | { state: "dead"; record: InstanceRecord; why: string }
  | { state: "absent" };

/** What is known about instance `name`, checking that its host really answers. */
export async function instanceStatus(name: string): Promise<InstanceStatus> {
  const dir = instanceDir(name);
  const record = readInstanceRecord(dir);
  if (!record) return { state: "absent" };
  try {
    const conn = await HostConnection.open(record.socket, record.token, 2);
    conn.close();
    return { state: "running", record };
  } catch (e) {
    const alive = pidAlive(record.pid);
    const why = alive
      ? `its host process (pid ${record.pid}) does not answer (${(e as Error).message})`
      : `its host process (pid ${record.pid}) is no longer running (it died or was killed)`;
    return { state: "dead", record, why };
  }
}

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

/** Connection to a running instance, or a clear error saying why there is none. */
export async function connectInstance(name: string): Promise<{ conn: HostConnection; record: InstanceRecord }> {
  const dir = instanceDir(name);
  const record = readInstanceRecord(dir);
  if (!record) throw notRunning(name);
  try {
    return { conn: await HostConnection.open(record.socket, record.token), record };
  } catch (e) {
    if (e instanceof EngineError && e.code === "VERSION_MISMATCH") throw e;
    const status = await instanceStatus(name);
    const why = status.state === "dead" ? status.why : (e as Error).message;
    throw new EngineError("HOST_DEAD", `enclave ${name} is not running: ${why}`, {
      suggestions: startSuggestions(name, record.definition), // stale state is cleared by the next start
    });
  }
}

export function notRunning(name: string): EngineError {
  return new EngineError("ENCLAVE_NOT_RUNNING", `enclave ${name} is not running`, { suggestions: startSuggestions(name) });
}

