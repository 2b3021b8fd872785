// Codes shared by the in-module guard (which writes them into the audit file as bytes)
// and the host (which decodes them). Append only: cached instrumented modules use them.

export const OPERATIONS = [
  "",
  "open",
  "stat",
  "utimes",
  "mkdir",
  "rmdir",
  "unlink",
  "rename",
  "link",
  "symlink",
  "readlink",
  "sock_accept",
  "sock_recv",
  "sock_send",
  "sock_shutdown",
  "fd_close",
  "fd_renumber",
  "readdir",
] as const;
export type Operation = Exclude<(typeof OPERATIONS)[number], "">;

/** Why the guard denied: the rule that matched (or failed to). */
export const RULES = [
  "",
  "filesystem_policy: not granted",
  "filesystem_policy: read-only",
  "engine: reserved path",
  "engine: descriptor is not a preopened directory",
  "engine: path escapes its preopened directory",
  "filesystem_policy: symlink target outside a read-write root",
  "network: disabled",
  "engine: preopened descriptor is protected",
] as const;

export const Rule = {
  NOT_GRANTED: 1,
  READ_ONLY: 2,
  RESERVED: 3,
  NOT_PREOPEN: 4,
  ESCAPES_PREOPEN: 5,
  SYMLINK_TARGET: 6,
  NETWORK_DISABLED: 7,
  PROTECTED_FD: 8,
} as const;

export function opCode(op: Operation): number {
  return OPERATIONS.indexOf(op);
}

/** Name of the audit file the guard appends to, inside the enclave's workdir.
 *  The guard denies every guest path with this component, so the guest can neither
 *  read, forge nor erase it; the host reads and clears it after each exec. */
export const AUDIT_FILE_NAME = ".coreason-audit";

export interface DecodedViolation {
  operation: string;
  path: string;
  rule: string;
}

/** Audit records are [op u8][rule u8][path length u16 LE][path bytes]. */
export function decodeViolations(bytes: Uint8Array): DecodedViolation[] {
  const out: DecodedViolation[] = [];
  let i = 0;
  while (i + 4 <= bytes.length) {
    const op = bytes[i];
    const rule = bytes[i + 1];
    const len = bytes[i + 2] | (bytes[i + 3] << 8);
    if (i + 4 + len > bytes.length) break;
    const raw = Buffer.from(bytes.subarray(i + 4, i + 4 + len)).toString("utf8");
    // paths below a descriptor the guard opened are recorded under the sentinel "/#"
    const path = raw === "/#" ? "<dirfd>" : raw.startsWith("/#/") ? `<dirfd>/${raw.slice(3)}` : raw;
    out.push({ operation: OPERATIONS[op] || `op#${op}`, path, rule: RULES[rule] || `rule#${rule}` });
    i += 4 + len;
  }
  return out;
}
