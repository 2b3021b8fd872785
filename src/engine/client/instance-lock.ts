// One start or stop of an instance at a time, across processes (two CI jobs sharing a
// state directory, a retry racing its first attempt): an O_EXCL lock file holding the
// owner's pid and start time, in <state>/locks so that clearing an instance never
// removes it. A lock whose owner died is taken over, also when its pid was reused.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { EngineError } from "../errors.js";
import { checkInstanceName, ensureDir, stateDir } from "../state/state-dir.js";
import { procIdentity } from "../state/process-tree.js";
import { pidAlive } from "../state/pid-alive.js";

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
  const ticks = procIdentity(process.pid)?.startTicks;
  writeSync(fd, ticks === undefined ? String(process.pid) : `${process.pid} ${ticks}`);
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
  if (!text) return age > EMPTY_GRACE_MS ? "stale" : "unknown";
  const [pid, ticks] = text.trim().split(" ").map(Number);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return "stale";
  // the same pid, started at another time, is another process
  const now = procIdentity(pid);
  return ticks !== undefined && now && now.startTicks !== ticks ? "stale" : pid;
}
