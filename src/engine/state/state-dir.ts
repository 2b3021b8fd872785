// The state directory: $COREASON_STATE_DIR, else $XDG_STATE_HOME/coreason-server,
// else ~/.local/state/coreason-server. Layout:
//   instances/<name>/{instance.json, launch.json, host.log, audit.jsonl, host.sock}
//   audit/<name>.jsonl               the audit log of the name's last stopped run (audit-archive.ts)
//   cache/modules/<digest>.wasm      instrumented modules (key: module + policy + limits)
//   locks/<name>.lock                held while an instance starts or stops
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { EngineError } from "../errors.js";

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.COREASON_STATE_DIR) return env.COREASON_STATE_DIR;
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, "coreason-server");
  return join(homedir(), ".local", "state", "coreason-server");
}

/** The one name pattern of instances and definitions (schemas/defs.json#/definitions/name). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Instance names become directory names: only a safe alphabet, never a path. */
export function checkInstanceName(name: string, what = "enclave name"): string {
  if (!NAME_PATTERN.test(name) || name.includes("..")) {
    throw new EngineError("USAGE", `invalid ${what} '${name}': use letters, digits, '.', '_' and '-' (at most 64)`);
  }
  return name;
}

export function instancesDir(root = stateDir()): string {
  return join(root, "instances");
}

export function instanceDir(name: string, root = stateDir()): string {
  return join(instancesDir(root), checkInstanceName(name));
}

export function moduleCacheDir(root = stateDir()): string {
  return join(root, "cache", "modules");
}

/** mkdir -p, one level at a time: Node's recursive mkdirSync spins forever on some
 *  paths (e.g. below /proc), and a bad $COREASON_STATE_DIR must fail, not hang. */
export function ensureDir(dir: string): string {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  try {
    for (const d of missing) mkdirSync(d, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
      throw new EngineError("STATE_CORRUPT", `cannot create state directory ${dir}: ${(e as NodeJS.ErrnoException).code}`, {
        suggestions: ["set COREASON_STATE_DIR to a writable directory"],
      });
    }
  }
  return dir;
}
