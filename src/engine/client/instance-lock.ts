// One start or stop of an instance at a time, across processes (two CI jobs sharing a
// state directory, a retry racing its first attempt): an O_EXCL lock file holding the
// owner's pid, in <state>/locks so that clearing an instance never removes it. A lock
// whose owner died is taken over.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { EngineError } from "../errors.js";
import { checkInstanceName, ensureDir, stateDir } from "../state/state-dir.js";
import { pidAlive } from "./connect.js";

const POLL_MS = 50;
/** A lock file still empty after this long was left by an owner that died writing it. */
const EMPTY_GRACE_MS = 5000;

export async function withInstanceLock<T>(name: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const path = join(ensureDir(join(stateDir(), "locks")), `${checkInstanceName(name)}.lock`);
  const deadline = Date.now() + waitMs;
  while (!tryLock(path)) {
    const owner = lockOwner(path);
    if (owner === "stale") rmSync(path, { force: true });
    else if (Date.now() > deadline) {
      throw new EngineError("ENCLAVE_BUSY", `another start or stop of enclave ${name} is in progress (pid ${owner}) and did not finish within ${waitMs} ms`);
    } else await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

function tryLock(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new EngineError("STATE_CORRUPT", `cannot create lock file ${path}: ${(e as NodeJS.ErrnoException).code}`);
  }
  writeSync(fd, String(process.pid));
  closeSync(fd);
  return true;
}

/** The live owner's pid, "stale", or "unknown" while the owner is still writing it. */
function lockOwner(path: string): number | "stale" | "unknown" {
  let text: string;
  let age: number;
  try {
    text = readFileSync(path, "utf8");
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return "unknown"; // released meanwhile: the next attempt will tell
  }
  const pid = Number(text);
  if (!text) return age > EMPTY_GRACE_MS ? "stale" : "unknown";
  return Number.isInteger(pid) && pid > 0 && pidAlive(pid) ? pid : "stale";
}
