// The token registry: an append-only JSON-lines file of issued/revoked events.
// Appends are single write() calls, so concurrent CLI runs never lose each other's
// lines; readers fold the events. The daemon re-reads it whenever its size or mtime
// changes, which is how a revoke takes effect on the next request.
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { schemaErrors } from "../engine/schema/validator.js";
import { ensureDir } from "../engine/state/state-dir.js";
import { EngineError } from "../engine/errors.js";
import { authorityDir, registryPath } from "./paths.js";
import type { Scope } from "./scopes.js";

export interface TokenRecord {
  id: string;
  subject: string;
  scopes: Scope[];
  /** null: every enclave */
  enclaves: string[] | null;
  issuedAt: string;
  expiresAt: string;
  revoked: boolean;
  revokedAt?: string;
}

interface RegistryEvent {
  version: 1;
  event: "issued" | "revoked";
  id: string;
  at: string;
  record?: TokenRecord;
}

function append(event: RegistryEvent) {
  ensureDir(authorityDir());
  appendFileSync(registryPath(), JSON.stringify(event) + "\n", { mode: 0o600 });
}

export function recordIssued(record: TokenRecord): void {
  append({ version: 1, event: "issued", id: record.id, at: record.issuedAt, record });
}

export function recordRevoked(id: string, at = new Date()): void {
  append({ version: 1, event: "revoked", id, at: at.toISOString() });
}

let cached: { stamp: string; tokens: Map<string, TokenRecord> } | undefined;

/** Every issued token by id, in issue order, with revocations applied. */
export function readRegistry(): Map<string, TokenRecord> {
  const file = registryPath();
  let stamp: string;
  try {
    const s = statSync(file);
    stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw new EngineError("AUTHORITY_UNREADABLE", `token registry ${file} is unreadable: ${(e as NodeJS.ErrnoException).code}`);
  }
  if (cached?.stamp === stamp) return cached.tokens;
  const tokens = fold(readFileSync(file, "utf8"), file);
  cached = { stamp, tokens };
  return tokens;
}

function fold(text: string, file: string): Map<string, TokenRecord> {
  const tokens = new Map<string, TokenRecord>();
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let event: RegistryEvent;
    try {
      event = JSON.parse(line);
    } catch {
      throw corrupt(file, i, "not valid JSON");
    }
    const errors = schemaErrors("authority/registry-event.json", event);
    if (errors.length) throw corrupt(file, i, errors.join("; "));
    if (event.event === "issued") tokens.set(event.id, { ...event.record!, revoked: false });
    else {
      const t = tokens.get(event.id);
      if (t && !t.revoked) tokens.set(event.id, { ...t, revoked: true, revokedAt: event.at });
    }
  });
  return tokens;
}

function corrupt(file: string, index: number, why: string): EngineError {
  // Fail closed: a registry we cannot read cannot tell us what was revoked.
  return new EngineError("AUTHORITY_CORRUPT", `token registry ${file} line ${index + 1} is corrupt (${why})`);
}
