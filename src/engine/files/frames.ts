// The stream between the engine and its guest helper (guest/cp/main.c, which documents
// the format): entries as header lines with hex names, file bytes raw. The engine writes
// it for `put` and reads, strictly, what `get` wrote: file names and link targets come
// from the guest's tree, so they are checked like a tar's names before anything on the
// host sees them.
import { EngineError } from "../errors.js";
import { printable, TarEntry, TarLimits, copyTooLarge } from "./tar.js";

const hex = (s: string) => Buffer.from(s).toString("hex");

export function encodeFrames(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const t = Math.max(0, Math.floor(e.mtime ?? 0));
    if (e.kind === "directory") parts.push(Buffer.from(`D ${t} ${hex(e.name)}\n`));
    else if (e.kind === "symlink") parts.push(Buffer.from(`L ${t} ${hex(e.name)} ${hex(e.linkname!)}\n`));
    else parts.push(Buffer.from(`F ${t} ${e.data?.length ?? 0} ${hex(e.name)}\n`), e.data ?? Buffer.alloc(0));
  }
  parts.push(Buffer.from("E\n"));
  return Buffer.concat(parts);
}

function bad(why: string): EngineError {
  return new EngineError("PROTOCOL_ERROR", `the copy's guest helper stream is malformed: ${why}`);
}

function unhex(text: string | undefined): string {
  if (!text || !/^(?:[0-9a-f]{2})+$/.test(text)) throw bad("bad name field");
  const s = Buffer.from(text, "hex").toString("utf8");
  if (s.includes("\0")) throw bad("NUL in a name");
  return s;
}

/** The entries `get` wrote: the root as ".", then relative names below it. */
export function decodeFrames(stream: Buffer, limits: TarLimits): TarEntry[] {
  const out: TarEntry[] = [];
  let at = 0;
  let bytes = 0;
  for (;;) {
    const nl = stream.indexOf(0x0a, at);
    if (nl < 0) throw bad("it ended before its end frame");
    const [kind, mtimeText, ...f] = stream.subarray(at, nl).toString("latin1").split(" ");
    at = nl + 1;
    if (kind === "E" && mtimeText === undefined) break;
    if (!/^\d{1,15}$/.test(mtimeText ?? "")) throw bad(`frame '${printable(kind)}' without a time`);
    const mtime = Number(mtimeText);
    let entry: TarEntry;
    if (kind === "D" && f.length === 1) entry = { name: unhex(f[0]), kind: "directory", mtime };
    else if (kind === "L" && f.length === 2) entry = { name: unhex(f[0]), kind: "symlink", linkname: unhex(f[1]), mtime };
    else if (kind === "F" && f.length === 2 && /^\d{1,15}$/.test(f[0])) {
      const size = Number(f[0]);
      if (at + size > stream.length) throw bad("a file's data runs past its end");
      entry = { name: unhex(f[1]), kind: "file", data: Buffer.from(stream.subarray(at, at + size)), mtime };
      at += size;
      bytes += size;
    } else throw bad(`unknown frame '${printable(kind)}'`);
    checkRelative(entry.name, out.length === 0);
    if (out.length + 1 > limits.maxEntries || bytes > limits.maxBytes) throw copyTooLarge(limits);
    out.push(entry);
  }
  if (at !== stream.length) throw bad("data after its end frame");
  if (!out.length) throw bad("no entries");
  return out;
}

/** The first entry is the root "."; every other one a plain relative name below it. */
function checkRelative(name: string, root: boolean): void {
  if (root ? name !== "." : name.split("/").some((p) => p === "" || p === "." || p === ".."))
    throw bad(`entry name '${printable(name)}' is not ${root ? "the root" : "a relative name"}`);
}
