// The audit log outlives its instance: when an instance's state is removed (sandbox-stop,
// or a later start clearing a dead host's state), its log is kept as
// <state>/audit/<name>.jsonl: one line describing the run, then its records. Retention:
// the last run per instance name (a later run's log replaces it when that run ends), at
// most ARCHIVE_MAX_BYTES per log (the oldest records go first, counted), and at most
// ARCHIVE_MAX_NAMES names (the least recently archived go first). One atomic rename per
// archive, so a killed process leaves the old archive or the new one, never half.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { auditPath, parseAudit, type AuditRecord } from "./audit-log.js";
import { schemaErrors } from "../schema/validator.js";
import { writeFileAtomic } from "./atomic-file.js";
import type { InstanceRecord } from "./instance-record.js";
import { checkInstanceName, ensureDir, stateDir } from "./state-dir.js";

export const ARCHIVE_MAX_BYTES = 4 * 1024 * 1024;
export const ARCHIVE_MAX_NAMES = 64;

/** The first line of an archived log (schemas/audit-run.schema.json). */
export interface AuditRun {
  version: 1;
  name: string;
  /** "?" when the run's instance.json was unreadable */
  definition: string;
  startedAt?: string;
  stoppedAt: string;
  /** how the run ended: stopped by request, or its host had died (killed, crashed) */
  ended: "stopped" | "host-died";
  records: number;
  /** records of the run beyond ARCHIVE_MAX_BYTES, oldest first, not kept */
  droppedRecords: number;
}

export const auditArchiveDir = (root = stateDir()) => join(root, "audit");
const archivePath = (name: string) => join(auditArchiveDir(), `${checkInstanceName(name)}.jsonl`);

/** Keeps the audit log of instance directory `dir` as its name's last run; returns the
 *  run's description, or undefined when the instance left no log and no record. */
export function archiveAudit(name: string, dir: string, record: InstanceRecord | undefined, ended: AuditRun["ended"]): AuditRun | undefined {
  let text = "";
  try {
    text = readFileSync(auditPath(dir), "utf8");
  } catch {
    if (!record) return undefined;
  }
  const lines = text.split("\n").filter((l) => l.trim() && parseAudit(l).length);
  let kept = lines;
  let bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  while (bytes > ARCHIVE_MAX_BYTES && kept.length) {
    bytes -= Buffer.byteLength(kept[0]) + 1;
    kept = kept.slice(1);
  }
  const run: AuditRun = {
    version: 1,
    name,
    definition: record?.definition ?? "?",
    ...(record ? { startedAt: record.startedAt } : {}),
    stoppedAt: new Date().toISOString(),
    ended,
    records: kept.length,
    droppedRecords: lines.length - kept.length,
  };
  ensureDir(auditArchiveDir());
  writeFileAtomic(archivePath(name), [JSON.stringify({ run }), ...kept].join("\n") + "\n");
  pruneArchives();
  return run;
}

/** The last run of `name` kept after it stopped, if any. */
export function readArchivedAudit(name: string): { run: AuditRun; records: AuditRecord[] } | undefined {
  const file = archivePath(name);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const first = text.slice(0, text.indexOf("\n"));
  let run: AuditRun | undefined;
  try {
    const described = (JSON.parse(first) as { run?: AuditRun }).run;
    if (!schemaErrors("audit-run.schema.json", described).length) run = described;
  } catch {
    /* unreadable description: the records still count */
  }
  const records = parseAudit(text);
  return {
    run: run ?? {
      version: 1,
      name,
      definition: "?",
      stoppedAt: statSync(file).mtime.toISOString(),
      ended: "stopped",
      records: records.length,
      droppedRecords: 0,
    },
    records,
  };
}

/** At most ARCHIVE_MAX_NAMES archived logs: the least recently written go. */
function pruneArchives() {
  const root = auditArchiveDir();
  if (!existsSync(root)) return;
  const logs = readdirSync(root)
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => ({ f, t: statSync(join(root, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of logs.slice(ARCHIVE_MAX_NAMES)) rmSync(join(root, f), { force: true });
}
