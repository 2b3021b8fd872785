// A small tar reader and writer for sandbox-cp's streams (`-`) and serve's
// /v1/enclaves/{name}/files: POSIX ustar, with pax extended headers for names and link
// targets longer than ustar's fields (and reading GNU's long-name entries). Only what a
// copy carries: regular files, directories and symbolic links. Anything else, and every
// name that could leave the destination (absolute, `..`), is refused with one line.
import { EngineError } from "../errors.js";

export type EntryKind = "file" | "directory" | "symlink";

export interface TarEntry {
  /** relative, `/`-separated, no trailing slash; "." is the archive's root itself */
  name: string;
  kind: EntryKind;
  data?: Buffer;
  linkname?: string;
  mode?: number;
  /** seconds since the epoch */
  mtime?: number;
}

export interface TarLimits {
  maxEntries: number;
  maxBytes: number;
}

const BLOCK = 512;
const TYPE: Record<EntryKind, string> = { file: "0", directory: "5", symlink: "2" };

export class TarError extends EngineError {
  constructor(message: string) {
    super("TAR_INVALID", `tar: ${message}`);
  }
}

// ---- writing ----

export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const name = e.kind === "directory" && e.name !== "." ? `${e.name}/` : e.name === "." ? "./" : e.name;
    const data = e.kind === "file" ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const pax: [string, string][] = [];
    if (Buffer.byteLength(name) > 100) pax.push(["path", name]);
    if (e.linkname !== undefined && Buffer.byteLength(e.linkname) > 100) pax.push(["linkpath", e.linkname]);
    if (pax.length) {
      const body = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(""));
      parts.push(header({ name: "././@PaxHeader", type: "x", size: body.length, mode: 0o644, mtime: 0 }), padded(body));
    }
    parts.push(
      header({
        name: clip(name, 100),
        type: TYPE[e.kind],
        size: data.length,
        mode: e.mode ?? defaultMode(e.kind),
        mtime: e.mtime ?? 0,
        linkname: clip(e.linkname ?? "", 100),
      }),
      padded(data),
    );
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function defaultMode(kind: EntryKind): number {
  return kind === "directory" ? 0o755 : kind === "symlink" ? 0o777 : 0o644;
}

/** "LEN key=value\n", LEN counting itself. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(rest) + 1;
  while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
  return `${len}${rest}`;
}

/** The first `max` bytes of `s` (pax carries the whole text). */
function clip(s: string, max: number): Buffer {
  return Buffer.from(s).subarray(0, max);
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest ? Buffer.concat([data, Buffer.alloc(BLOCK - rest)]) : data;
}

function header(h: { name: string | Buffer; type: string; size: number; mode: number; mtime: number; linkname?: Buffer }): Buffer {
  const b = Buffer.alloc(BLOCK);
  const put = (text: string | Buffer, at: number, len: number) => void (typeof text === "string" ? b.write(text, at, len, "latin1") : text.copy(b, at, 0, len));
  const octal = (n: number, at: number, len: number) => put(n.toString(8).padStart(len - 1, "0") + "\0", at, len);
  put(h.name, 0, 100);
  octal(h.mode, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(h.size, 124, 12);
  octal(Math.max(0, Math.floor(h.mtime)), 136, 12);
  put(h.type, 156, 1);
  put(h.linkname ?? "", 157, 100);
  put("ustar\x0000", 257, 8);
  b.fill(0x20, 148, 156);
  const sum = b.reduce((a, x) => a + x, 0);
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  return b;
}

// ---- reading ----

/** Every entry of `archive`, names checked and normalised; throws TarError. */
export function readTar(archive: Buffer, limits: TarLimits): TarEntry[] {
  const out: TarEntry[] = [];
  let at = 0;
  let bytes = 0;
  let pending: Record<string, string> = {};
  while (at + BLOCK <= archive.length) {
    const h = archive.subarray(at, at + BLOCK);
    if (h.every((x) => x === 0)) return out; // end of archive (a second zero block may follow)
    const where = `entry ${out.length + 1} at byte ${at}`;
    if (!checksumOk(h)) throw new TarError(`${where}: bad header checksum (not a tar archive, or corrupt)`);
    const magic = h.subarray(257, 263).toString("latin1");
    if (magic !== "ustar\0" && magic !== "ustar ") throw new TarError(`${where}: not a ustar header`);
    const size = octalField(h, 124, 12, where);
    const type = String.fromCharCode(h[156] || 0x30);
    at += BLOCK;
    if (at + size > archive.length) throw new TarError(`${where}: truncated (its data runs past the end of the stream)`);
    const data = archive.subarray(at, at + size);
    at += Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      pending = { ...pending, ...parsePax(data, where) };
      continue;
    }
    if (type === "g") continue; // global pax defaults: nothing a copy uses
    if (type === "L" || type === "K") {
      pending[type === "L" ? "path" : "linkpath"] = cString(data);
      continue;
    }
    const kind = type === "0" || type === "7" ? "file" : type === "5" ? "directory" : type === "2" ? "symlink" : undefined;
    const rawName = pending.path ?? joinPrefix(magic === "ustar\0" ? cString(h.subarray(345, 500)) : "", cString(h.subarray(0, 100)));
    if (!kind)
      throw new TarError(`${where} '${printable(rawName)}': ${type === "1" ? "hard links are not supported" : `unsupported entry type '${printable(type)}'`}`);
    const name = checkedName(rawName, where);
    const entry: TarEntry = { name, kind, mode: octalField(h, 100, 8, where) & 0o7777, mtime: Number(pending.mtime ?? octalField(h, 136, 12, where)) || 0 };
    if (kind === "file") entry.data = Buffer.from(data);
    if (kind === "symlink") {
      entry.linkname = pending.linkpath ?? cString(h.subarray(157, 257));
      if (!entry.linkname || entry.linkname.includes("\0")) throw new TarError(`${where} '${printable(name)}': empty or invalid link target`);
    }
    pending = {};
    bytes += entry.data?.length ?? 0;
    if (out.length + 1 > limits.maxEntries || bytes > limits.maxBytes) throw copyTooLarge(limits);
    out.push(entry);
  }
  if (at === archive.length && out.length === 0 && archive.length === 0) throw new TarError("empty stream (no end-of-archive blocks)");
  throw new TarError(`truncated at byte ${at} (no end-of-archive block)`);
}

export function copyTooLarge(limits: TarLimits): EngineError {
  return new EngineError("COPY_TOO_LARGE", `the copy is larger than the limit of ${limits.maxEntries} entries and ${limits.maxBytes} bytes of file data`);
}

function checksumOk(h: Buffer): boolean {
  const stored = parseInt(
    h
      .subarray(148, 156)
      .toString("latin1")
      .replace(/[\0 ]+$/, "")
      .trim(),
    8,
  );
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return stored === sum;
}

function octalField(h: Buffer, at: number, len: number, where: string): number {
  const text = h
    .subarray(at, at + len)
    .toString("latin1")
    .replace(/[\0 ]+$/, "")
    .trim();
  if (h[at] & 0x80 || !/^[0-7]*$/.test(text)) throw new TarError(`${where}: invalid numeric field at offset ${at}`);
  return text ? parseInt(text, 8) : 0;
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return (nul >= 0 ? b.subarray(0, nul) : b).toString("utf8");
}

function joinPrefix(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}

function parsePax(data: Buffer, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const len = space > at ? Number(data.subarray(at, space).toString("latin1")) : NaN;
    if (!Number.isInteger(len) || len <= 0 || at + len > data.length || data[at + len - 1] !== 0x0a) throw new TarError(`${where}: malformed pax header`);
    const record = data.subarray(space + 1, at + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq <= 0) throw new TarError(`${where}: malformed pax record`);
    out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}

/** "./a//b/" -> "a/b"; "" and "./" -> "."; absolute names and `..` are refused. */
function checkedName(raw: string, where: string): string {
  if (raw.includes("\0")) throw new TarError(`${where}: name contains a NUL byte`);
  if (raw.startsWith("/")) throw new TarError(`${where} '${printable(raw)}': absolute name refused (names must be relative)`);
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new TarError(`${where} '${printable(raw)}': name with '..' refused (it would leave the destination)`);
  return parts.length ? parts.join("/") : ".";
}

/** Names in messages: control characters escaped, so an error stays one line. */
export function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`).slice(0, 300);
}
