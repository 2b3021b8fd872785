// The WASI calls a generated case is made of, and their encoding for the wasi-ops
// interpreter (guest/model/main.c). Paths are byte strings: one JS char per byte
// ("latin1"), so NUL, control bytes and invalid UTF-8 survive unchanged.

/** A descriptor: a number (a preopen, stdio, a bogus one) or the K-th successful open. */
export type FdRef = number | { slot: number };

export type Call =
  | { op: "open"; fd: FdRef; path: string; lookup: number; oflags: number; rights: number; fdflags: number }
  | { op: "stat"; fd: FdRef; path: string; lookup: number }
  | { op: "utimes" | "mkdir" | "rmdir" | "unlink" | "readlink"; fd: FdRef; path: string }
  | { op: "rename" | "link"; fd: FdRef; path: string; fd2: FdRef; path2: string }
  | { op: "symlink"; target: string; fd: FdRef; path: string }
  | { op: "readdir" | "read" | "close"; fd: FdRef }
  | { op: "write"; fd: FdRef; data: string }
  | { op: "renumber"; fd: FdRef; to: FdRef };

export const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const LOOKUP_FOLLOW = 1;
export const FDFLAG_APPEND = 1;
/** WASI rights bits. */
export const RIGHTS = {
  FD_DATASYNC: 1 << 0,
  FD_READ: 1 << 1,
  FD_SEEK: 1 << 2,
  FD_WRITE: 1 << 6,
  FD_ALLOCATE: 1 << 8,
  FD_READDIR: 1 << 14,
  PATH_OPEN: 1 << 13,
  FD_FILESTAT_GET: 1 << 21,
  FD_FILESTAT_SET_SIZE: 1 << 22,
  FD_FILESTAT_SET_TIMES: 1 << 23,
} as const;
export const RIGHTS_READ = RIGHTS.FD_READ | RIGHTS.FD_SEEK | RIGHTS.FD_FILESTAT_GET;
export const RIGHTS_WRITE = RIGHTS_READ | RIGHTS.FD_WRITE | RIGHTS.FD_FILESTAT_SET_SIZE;
/** Every path right (bits 9..28) but none that changes contents: a directory to work below. */
export const RIGHTS_DIR = 0x1ffffe00 & ~RIGHTS.FD_FILESTAT_SET_SIZE;

const hex = (s: string) => "x" + Buffer.from(s, "latin1").toString("hex");
const fd = (f: FdRef) => (typeof f === "number" ? String(f) : `@${f.slot}`);

export function encodeCall(c: Call): string {
  switch (c.op) {
    case "open":
      return `open ${fd(c.fd)} ${hex(c.path)} ${c.lookup} ${c.oflags} ${c.rights} ${c.fdflags}`;
    case "stat":
      return `stat ${fd(c.fd)} ${hex(c.path)} ${c.lookup}`;
    case "rename":
    case "link":
      return `${c.op} ${fd(c.fd)} ${hex(c.path)} ${fd(c.fd2)} ${hex(c.path2)}`;
    case "symlink":
      return `symlink ${hex(c.target)} ${fd(c.fd)} ${hex(c.path)}`;
    case "readdir":
    case "read":
    case "close":
      return `${c.op} ${fd(c.fd)}`;
    case "write":
      return `write ${fd(c.fd)} ${hex(c.data)}`;
    case "renumber":
      return `renumber ${fd(c.fd)} ${fd(c.to)}`;
    default:
      return `${c.op} ${fd(c.fd)} ${hex(c.path)}`;
  }
}

/** A short human form for counterexamples (paths JSON-quoted, bytes escaped). */
export function showCall(c: Call): string {
  const q = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 40)}...(${s.length} bytes)` : s);
  const f = (x: FdRef) => (typeof x === "number" ? String(x) : `@${x.slot}`);
  switch (c.op) {
    case "open":
      return `open(${f(c.fd)}, ${q(c.path)}, lookup=${c.lookup}, oflags=${c.oflags}, rights=${c.rights}, fdflags=${c.fdflags})`;
    case "stat":
      return `stat(${f(c.fd)}, ${q(c.path)}, lookup=${c.lookup})`;
    case "rename":
    case "link":
      return `${c.op}(${f(c.fd)}, ${q(c.path)}, ${f(c.fd2)}, ${q(c.path2)})`;
    case "symlink":
      return `symlink(${q(c.target)}, ${f(c.fd)}, ${q(c.path)})`;
    case "readdir":
    case "read":
    case "close":
      return `${c.op}(${f(c.fd)})`;
    case "write":
      return `write(${f(c.fd)}, ${q(c.data)})`;
    case "renumber":
      return `renumber(${f(c.fd)}, ${f(c.to)})`;
    default:
      return `${c.op}(${f(c.fd)}, ${q(c.path)})`;
  }
}
