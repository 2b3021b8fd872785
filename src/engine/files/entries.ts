// A copy in memory: its entries (files, directories, links), the limits every copy obeys,
// and the checks both directions make before writing anything.
import { EngineError } from "../errors.js";
import { printable, TarEntry, TarLimits, copyTooLarge } from "./tar.js";

/** Largest copy: entries, and bytes of file data (files live in the worker's memory). */
export const COPY_MAX_ENTRIES = 10000;
export const COPY_MAX_BYTES = 64 * 1024 * 1024;
/** Largest tar stream read from stdin or an HTTP body: the data plus headers (pax included). */
export const TAR_STREAM_MAX_BYTES = COPY_MAX_BYTES + COPY_MAX_ENTRIES * 3 * 512 + 1024;

/** The limits in force: COREASON_COPY_MAX_ENTRIES / COREASON_COPY_MAX_BYTES may lower them. */
export function copyLimits(env: NodeJS.ProcessEnv = process.env): TarLimits {
  const lower = (name: string, max: number) => {
    const v = env[name];
    return v && /^\d+$/.test(v) ? Math.min(Number(v), max) : max;
  };
  return { maxEntries: lower("COREASON_COPY_MAX_ENTRIES", COPY_MAX_ENTRIES), maxBytes: lower("COREASON_COPY_MAX_BYTES", COPY_MAX_BYTES) };
}

export function checkLimits(entries: TarEntry[], limits: TarLimits): void {
  const bytes = entries.reduce((n, e) => n + (e.data?.length ?? 0), 0);
  if (entries.length > limits.maxEntries || bytes > limits.maxBytes) throw copyTooLarge(limits);
}

export function totalBytes(entries: TarEntry[]): number {
  return entries.reduce((n, e) => n + (e.data?.length ?? 0), 0);
}

/** Entries renamed for their destination: the root "." becomes `rootName` (or is left
 *  out, with its children keeping their names, when `rootName` is undefined: `SRC/.`),
 *  parents first, and nothing below one of the copy's own links (a link there would
 *  carry the rest of the copy wherever it points). */
export function placeEntries(entries: TarEntry[], rootName: string | undefined): TarEntry[] {
  const placed: TarEntry[] = [];
  const kinds = new Map<string, TarEntry["kind"]>();
  for (const e of entries) {
    if (e.name === "." && rootName === undefined) {
      if (e.kind !== "directory") throw new EngineError("COPY_FAILED", "the source is not a directory");
      continue;
    }
    const name = e.name === "." ? rootName! : rootName === undefined ? e.name : `${rootName}/${e.name}`;
    if (kinds.get(name) === "directory" && e.kind === "directory") continue; // made for an earlier child
    if (kinds.has(name)) throw new EngineError("TAR_INVALID", `tar: '${printable(name)}' appears twice`);
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      const kind = kinds.get(parent);
      if (kind === "symlink" || kind === "file")
        throw new EngineError("TAR_INVALID", `tar: '${printable(name)}' lies below '${printable(parent)}', which is not a directory`);
      if (!kind) {
        // a tar may leave out its directories: make them, as tar does
        kinds.set(parent, "directory");
        placed.push({ name: parent, kind: "directory" });
      }
    }
    kinds.set(name, e.kind);
    placed.push({ ...e, name });
  }
  return placed;
}
