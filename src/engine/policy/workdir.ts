// sandbox-exec -w DIR / coreason-engine --workdir DIR: where the guest starts. Checked
// before anything runs: DIR must be an absolute guest path (else usage, 2) inside a
// directory the policy grants (else WORKDIR_DENIED, 77); whether it exists is for the
// enclave's host to say (WORKDIR_MISSING, 126, as docker exec -w answers a missing one).
import { EngineError } from "../errors.js";
import type { GuardConfig } from "./guard-config.js";

/** The guard keeps a --wasm module's start directory in 255 bytes of its scratch. */
const MAX_WORKDIR = 255;

/** DIR without "." components and trailing slashes; a usage error unless absolute,
 *  free of ".." and NUL, and at most 255 bytes. */
export function normaliseWorkdir(dir: string, flag = "workdir"): string {
  const problem = !dir.startsWith("/")
    ? "must be an absolute guest path (such as /workspace/src)"
    : dir.includes("\0")
      ? "must not contain a NUL byte"
      : Buffer.byteLength(dir) > MAX_WORKDIR
        ? `must be at most ${MAX_WORKDIR} bytes`
        : dir.split("/").includes("..")
          ? "must not contain '..'"
          : undefined;
  if (problem) throw new EngineError("USAGE", `${flag} ${JSON.stringify(dir)}: ${problem}`);
  return (
    "/" +
    dir
      .split("/")
      .filter((c) => c && c !== ".")
      .join("/")
  );
}

const under = (path: string, root: string) => path === root || path.startsWith(root === "/" ? "/" : `${root}/`);

/** WORKDIR_DENIED unless the policy grants `dir` (read-only or read-write), as the
 *  guard would answer the guest's own chdir there. */
export function checkWorkdirGranted(dir: string, guard: Pick<GuardConfig, "readOnly" | "readWrite">, flag = "workdir"): void {
  if ([...guard.readOnly, ...guard.readWrite].some((g) => under(dir, g))) return;
  throw new EngineError("WORKDIR_DENIED", `${flag} ${dir}: Permission denied (filesystem_policy: not granted)`);
}

/** Where guest path `dir` lives for the SDK's file API: under a mount, its backing
 *  directory; otherwise undefined (image content, which the file API cannot see). */
export function backingPath(dir: string, mounts: GuardConfig["mounts"] = []): string | undefined {
  const m = mounts.find((x) => under(dir, x.guest));
  return m && m.backing + dir.slice(m.guest.length);
}

/** The directories of an enclave's image: the SDK's own root layout and every
 *  ancestor of the package's files. */
export function imageDirectories(files: readonly string[]): Set<string> {
  const dirs = new Set(["/", "/bin", "/dev", "/etc", "/tmp", "/usr"]);
  for (const f of files) for (let d = f.slice(0, f.lastIndexOf("/")); d; d = d.slice(0, d.lastIndexOf("/"))) dirs.add(d);
  return dirs;
}
