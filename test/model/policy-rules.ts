// The policy rules of README.md ("Policy" and "How enforcement works"), as plain
// functions of a guest path. Written from the README, not from guard/emitter.ts: each rule
// names the README sentence it implements (quoted, so a reader can grep for it).

export const WORKDIR = "/workspace";
export const AUDIT_NAME = ".coreason-audit";
export const PATH_MAX = 4096;

/** Rule texts of the violation record (README "sandbox-exec": `(<rule>)`). */
export const RULE = {
  NOT_GRANTED: "filesystem_policy: not granted",
  READ_ONLY: "filesystem_policy: read-only",
  RESERVED: "engine: reserved path",
  NOT_PREOPEN: "engine: descriptor is not a preopened directory",
  ESCAPES: "engine: path escapes its preopened directory",
  SYMLINK_TARGET: "filesystem_policy: symlink target outside a read-write root",
  PROTECTED_FD: "engine: preopened descriptor is protected",
} as const;

export type Access = "read" | "write" | "stat" | "remove";

export interface ModelPolicy {
  readOnly: string[];
  readWrite: string[];
  /** README Policy table: "`filesystem_policy.include_workdir` ... grant the workdir read-write (default true)". */
  includeWorkdir: boolean;
  onViolation: "deny" | "trap";
}

/** Grants as the guard sees them: paths normalised, the workdir added when included. */
export interface Grants {
  readOnly: string[];
  readWrite: string[];
  /** Guest directories the engine backs with its own storage (README Policy: "The
   *  workdir and, when `/tmp` is granted read-write, `/tmp` are the enclave's mounts"). */
  mounts: string[];
}

export function normaliseGrant(p: string): string {
  return (
    "/" +
    p
      .split("/")
      .filter((c) => c && c !== ".")
      .join("/")
  );
}

export function grantsOf(p: ModelPolicy): Grants {
  const readWrite = p.readWrite.map(normaliseGrant);
  if (p.includeWorkdir && !readWrite.includes(WORKDIR)) readWrite.push(WORKDIR);
  return { readOnly: p.readOnly.map(normaliseGrant), readWrite, mounts: [WORKDIR, ...(readWrite.includes("/tmp") ? ["/tmp"] : [])] };
}

/** `path` is `root` or lies below it (component-wise: /workspace does not cover /workspacex). */
export const within = (path: string, root: string) => root === "/" || path === root || path.startsWith(root + "/");

/** The decision for an absolute, normalised guest path: null (allowed) or the rule. */
export function policyRule(g: Grants, path: string, access: Access): string | null {
  // README Policy: "A path with a component named `.coreason-audit` is denied
  // (`engine: reserved path`) whatever the grants", and "How enforcement works": the
  // audit file is one "which no guest path can name".
  if (path.split("/").includes(AUDIT_NAME)) return RULE.RESERVED;
  // README Policy: "The workdir and the mounts themselves can never be removed, renamed,
  // unlinked or replaced by a symlink, a hard link or a rename (`engine: reserved path`)".
  if (access === "remove" && g.mounts.includes(path)) return RULE.RESERVED;
  // README Policy: "Grants add up, as OpenShell's Landlock rules do: a path is writable
  // when it lies in any `read_write` entry, readable when it lies in any entry".
  const writable = g.readWrite.some((r) => within(path, r));
  const readable = writable || g.readOnly.some((r) => within(path, r));
  if (access === "write" || access === "remove") return writable ? null : readable ? RULE.READ_ONLY : RULE.NOT_GRANTED;
  if (readable) return null;
  // README Policy: "`stat` of a directory above a grant is allowed, so a program can
  // walk towards its grant; nothing else is".
  if (access === "stat" && [...g.readOnly, ...g.readWrite].some((r) => path === "/" || (r !== path && r.startsWith(path + "/")))) return null;
  // README Policy: "Anything not listed is inaccessible."
  return RULE.NOT_GRANTED;
}

/** README Policy: "`path_open` writes when it creates or truncates (O_CREAT, O_TRUNC) or
 *  asks for `fd_write` on something it does not open as a directory (O_DIRECTORY); any
 *  other open reads, with its write rights removed when the path is not writable". */
export function openWrites(oflags: number, rights: number, _fdflags: number): boolean {
  const [CREAT, DIRECTORY, TRUNC, FD_WRITE] = [1, 2, 8, 1 << 6];
  return (oflags & (CREAT | TRUNC)) !== 0 || ((rights & FD_WRITE) !== 0 && (oflags & DIRECTORY) === 0);
}

/** Lexical normalisation (README "How enforcement works": the guard "normalises `.`/`..`
 *  into a private copy", and README Policy: "`..` is resolved lexically, before any
 *  symlink is followed"). Appends `path`'s components to `base` (a list of components);
 *  returns the components and the lowest depth `..` reached (for the escape rule). */
export function lexical(base: string[], path: string): { comps: string[]; minDepth: number } {
  const comps = [...base];
  let minDepth = comps.length;
  for (const c of path.split("/")) {
    if (c === "" || c === ".") continue;
    if (c === "..") {
      comps.pop();
      minDepth = Math.min(minDepth, comps.length);
      continue;
    }
    comps.push(c);
  }
  return { comps, minDepth };
}

export const joinPath = (comps: string[]) => "/" + comps.join("/");
export const splitPath = (p: string) => p.split("/").filter((c) => c !== "");
