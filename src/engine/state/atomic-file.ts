// Files in the state directory are replaced atomically (write a temp file, fsync,
// rename), so a killed process leaves either the old or the new version, never half.
// Without `durable` the fsync is left out: still atomic for a killed process (the rename
// is), only a power loss may keep the old version.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600, durable = true): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
