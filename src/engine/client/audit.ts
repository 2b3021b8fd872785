// sandbox-audit: the audit log of an instance, live or kept after it stopped
// (schemas/output/sys-diagnostics-sandbox-audit.json).
import { existsSync } from "node:fs";
import { EngineError } from "../errors.js";
import { readAudit, type AuditRecord } from "../state/audit-log.js";
import { readArchivedAudit, type AuditRun } from "../state/audit-archive.js";
import { instanceDir } from "../state/state-dir.js";
import { instanceStatus, notRunning } from "./connect.js";

export interface AuditResult {
  enclave: string;
  /** the instance's state: its live log (running, or its host died or cannot be
   *  reached, or its record is corrupt), or `stopped`: the kept log of its last run */
  state: "running" | "unreachable" | "dead" | "corrupt" | "stopped";
  /** present when state is `stopped`: the run the records come from */
  run?: AuditRun;
  records: AuditRecord[];
}

export async function auditOf(name: string): Promise<AuditResult> {
  const dir = instanceDir(name);
  if (existsSync(dir)) {
    let state: AuditResult["state"];
    try {
      const s = await instanceStatus(name);
      state = s.state === "absent" ? "dead" : s.state;
    } catch (e) {
      if (!(e instanceof EngineError) || e.code !== "STATE_CORRUPT") throw e;
      state = "corrupt";
    }
    return { enclave: name, state, records: readAudit(dir) };
  }
  const kept = readArchivedAudit(name);
  if (!kept) {
    const e = notRunning(name);
    e.message = `enclave ${name} is not running and no audit log of it was kept`;
    throw e;
  }
  return { enclave: name, state: "stopped", run: kept.run, records: kept.records };
}

/** The records alone (the library's readAudit): the live log, else the kept one. */
export function auditRecords(name: string): AuditRecord[] {
  const dir = instanceDir(name);
  if (existsSync(dir)) return readAudit(dir);
  const kept = readArchivedAudit(name);
  if (!kept) throw notRunning(name);
  return kept.records;
}

/** The note said with a log that is not a running instance's. */
export function auditStateNote(r: AuditResult): string | undefined {
  if (r.state === "running") return undefined;
  if (r.state !== "stopped" || !r.run) return `${r.enclave} is not running (${r.state}): this is the log its host left`;
  const dropped = r.run.droppedRecords ? `; its ${r.run.droppedRecords} oldest records were not kept` : "";
  const ended = r.run.ended === "host-died" ? "its host had died; state cleared" : "stopped";
  return `${r.enclave} is stopped: the log of its last run (definition ${r.run.definition}${r.run.startedAt ? `, started ${r.run.startedAt}` : ""}, ${ended} ${r.run.stoppedAt}, ${r.run.records} records${dropped})`;
}
