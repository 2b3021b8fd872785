// instance.json: what a running instance is, written by its host, read by clients.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { EngineError } from "../errors.js";
import { schemaErrors } from "../schema/validator.js";
import { writeFileAtomic } from "./atomic-file.js";

export interface InstanceRecord {
  version: 1;
  name: string;
  definition: string;
  memoryPages: number;
  timeoutMs: number;
  outputBytes: number;
  pid: number;
  /** the host's start time in clock ticks after boot (/proc/PID/stat): with the pid,
   *  what identifies the host, since a pid alone may be reused */
  hostStartTicks?: number;
  startedAt: string;
  execCount: number;
  recycles?: number;
  socket: string;
  token: string;
  engineVersion: string;
  policyDigest: string;
}

export const recordPath = (dir: string) => join(dir, "instance.json");

/** undefined when there is no record; STATE_CORRUPT when it cannot be trusted. */
export function readInstanceRecord(dir: string): InstanceRecord | undefined {
  let text: string;
  try {
    text = readFileSync(recordPath(dir), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new EngineError("STATE_CORRUPT", `state file ${recordPath(dir)} is unreadable: ${(e as NodeJS.ErrnoException).code}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt(dir, "not valid JSON");
  }
  const problems = schemaErrors("instance.schema.json", data);
  if (problems.length) throw corrupt(dir, problems[0]);
  return data as InstanceRecord;
}

function corrupt(dir: string, why: string) {
  return new EngineError("STATE_CORRUPT", `state file ${recordPath(dir)} is corrupt (${why})`, {
    suggestions: [["clear it with ", { do: "stop", name: basename(dir) }]],
  });
}

export function writeInstanceRecord(dir: string, rec: InstanceRecord, durable = true): void {
  writeFileAtomic(recordPath(dir), JSON.stringify(rec, null, 2) + "\n", 0o600, durable);
}
