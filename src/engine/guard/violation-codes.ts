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
  "exit", // not a violation: the guest's real exit status (see exit-guard.ts)
  "futimes",
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
  "engine: descriptor was not opened through the guard",
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
  UNTRACKED_FD: 9,
} as const;

export function opCode(op: Operation): number {
  return OPERATIONS.indexOf(op);
}

/** Name of the audit file the guard appends to, inside the enclave's workdir.
 *  The guard denies every guest path with this component, so the guest can neither
 *  read, forge nor erase it; the host reads and clears it after each exec. */
export const AUDIT_FILE_NAME = ".coreason-audit";

/** Guest bytes as text, reversibly: valid UTF-8 as is but `\` doubled, each byte that
 *  is not valid UTF-8 as `\xHH`, so two different paths never read alike. (Control
 *  characters stay as they are here; printing escapes them, see verdict.ts.) */
export function guestBytesToText(bytes: Uint8Array): string {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const valid = (from: number, to: number) => {
    try {
      return strict.decode(bytes.subarray(from, to));
    } catch {
      return undefined;
    }
  };
  const whole = valid(0, bytes.length);
  if (whole !== undefined) return whole.replaceAll("\\", "\\\\");
  let out = "";
  for (let i = 0; i < bytes.length;) {
    let k = Math.min(4, bytes.length - i);
    let text: string | undefined;
    for (; k >= 1 && (text = valid(i, i + k)) === undefined; k--);
    out += text === undefined ? "\\x" + bytes[i].toString(16).padStart(2, "0") : text.replaceAll("\\", "\\\\");
    i += Math.max(k, 1);
  }
  return out;
}

export interface DecodedViolation {
  operation: string;
  path: string;
  rule: string;
}

/** Audit records are [op u8][rule u8][path length u16 LE][path bytes]. */
export function decodeViolations(bytes: Uint8Array): DecodedViolation[] {
  return decodeViolationsFrom(bytes, 0).records;
}

/** The complete records from byte `offset` on, and where the next one starts (a record
 *  the guard is still appending is left for the next read). */
export function decodeViolationsFrom(bytes: Uint8Array, offset: number): { records: DecodedViolation[]; next: number; exitStatus?: number } {
  const out: DecodedViolation[] = [];
  let exitStatus: number | undefined;
  let i = offset;
  while (i + 4 <= bytes.length) {
    const op = bytes[i];
    const rule = bytes[i + 1];
    const len = bytes[i + 2] | (bytes[i + 3] << 8);
    if (i + 4 + len > bytes.length) break;
    if (OPERATIONS[op] === "exit" && len === 4) {
      exitStatus = new DataView(bytes.buffer, bytes.byteOffset + i + 4, 4).getUint32(0, true);
      i += 8;
      continue;
    }
    const raw = guestBytesToText(bytes.subarray(i + 4, i + 4 + len));
    // paths below a descriptor the guard opened are recorded under the sentinel "/#"
    const path = raw === "/#" ? "<dirfd>" : raw.startsWith("/#/") ? `<dirfd>/${raw.slice(3)}` : raw;
    out.push({ operation: OPERATIONS[op] || `op#${op}`, path, rule: RULES[rule] || `rule#${rule}` });
    i += 4 + len;
  }
  return { records: out, next: i, ...(exitStatus !== undefined ? { exitStatus } : {}) };
}
