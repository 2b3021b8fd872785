// The instance's audit log: one JSON line per violation, fields after OCSF File
// System Activity (class_uid 1001), appended by the host, never by the guest.
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Violation } from "../protocol/messages.js";
import { escapeGuestText } from "../verdict.js";

export interface AuditRecord {
  time: string;
  class_name: "File System Activity" | "Network Activity";
  class_uid: 1001 | 4001;
  activity: string;
  activity_id: number;
  operation: string;
  path: string;
  disposition: "Blocked" | "Trapped";
  rule: string;
  enclave: string;
  exec: number;
  /** OCSF's count: this record stands for that many identical events. */
  count?: number;
}

const ACTIVITY: Record<string, [string, number]> = {
  open: ["Open", 14],
  stat: ["Get Attributes", 8],
  utimes: ["Set Attributes", 6],
  mkdir: ["Create", 1],
  symlink: ["Create", 1],
  link: ["Create", 1],
  rmdir: ["Delete", 4],
  unlink: ["Delete", 4],
  rename: ["Rename", 5],
  readlink: ["Read", 2],
};

export const auditPath = (dir: string) => join(dir, "audit.jsonl");

/** The exec's violations; `dropped` further ones (beyond the listed kinds) become one
 *  record counting them. */
export function toAuditRecords(violations: Violation[], enclave: string, exec: number, dropped = 0, time = new Date()): AuditRecord[] {
  const listed = dropped
    ? [
        ...violations,
        {
          operation: "other",
          path: "",
          rule: "engine: violations beyond the listed kinds, counted only",
          decision: violations[0]?.decision ?? "denied",
          count: dropped,
        } as Violation,
      ]
    : violations;
  return listed.map((v) => {
    const [activity, activity_id] = ACTIVITY[v.operation] ?? ["Other", 99];
    const network = v.operation.startsWith("sock_");
    return {
      time: time.toISOString(),
      class_name: network ? "Network Activity" : "File System Activity",
      class_uid: network ? 4001 : 1001,
      activity,
      activity_id,
      operation: v.operation,
      path: v.path,
      disposition: v.decision === "trapped" ? "Trapped" : "Blocked",
      rule: v.rule,
      enclave,
      exec,
      ...(v.count ? { count: v.count } : {}),
    };
  });
}

export function appendAudit(dir: string, records: AuditRecord[]): void {
  if (records.length) appendFileSync(auditPath(dir), records.map((r) => JSON.stringify(r) + "\n").join(""), { mode: 0o600 });
}

/** Records in order; a torn last line (host killed mid-append) is skipped, not fatal. */
export function readAudit(dir: string): AuditRecord[] {
  try {
    return parseAudit(readFileSync(auditPath(dir), "utf8"));
  } catch {
    return [];
  }
}

/** The records of an audit log's text, skipping a torn line and any line that is not
 *  a record (an archived log's first line describes its run). */
export function parseAudit(text: string): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      if (typeof r?.time === "string") out.push(r);
    } catch {
      /* torn write */
    }
  }
  return out;
}

/** The OCSF shorthand line of a record; its path is the guest's, escaped. */
export function auditLine(r: AuditRecord): string {
  const kind = `${r.class_name === "Network Activity" ? "NETWORK" : "FILE"}:${r.activity.toUpperCase().replace(/ /g, "_")}`;
  const path = r.path ? ` ${escapeGuestText(r.path)}` : "";
  return `${r.time} OCSF ${kind} [MED] ${r.disposition.toUpperCase()} ${r.operation}${path} (${escapeGuestText(r.rule)}) enclave=${r.enclave} exec=${r.exec}${r.count ? ` count=${r.count}` : ""}`;
}
