// The reference model of the guard: for a policy and a sequence of WASI calls, what
// each call must answer and which violations must be recorded. The policy decisions
// come from policy-rules.ts (the README's rules). The file system below the mounts is
// modelled too (a tree of directories, files, symlinks and hard links, with Linux's
// answers), so that a decision that lets the wrong file through is seen as a wrong
// answer. Outside the mounts the guest sees the SDK's image, which the guard does not
// shape: there the model predicts the decision only, and asks the real run whether an
// open succeeded (the `oracle`), so later calls on that descriptor stay comparable.
import { Call, FdRef, LOOKUP_FOLLOW, OFLAGS } from "./calls.js";
import { Access, Grants, grantsOf, joinPath, lexical, ModelPolicy, openWrites, PATH_MAX, policyRule, RULE, splitPath, within } from "./policy-rules.js";

export const ERRNO = {
  SUCCESS: 0,
  ACCES: 2,
  BADF: 8,
  EXIST: 20,
  INVAL: 28,
  ISDIR: 31,
  LOOP: 32,
  NAMETOOLONG: 37,
  NOENT: 44,
  NOTDIR: 54,
  NOTEMPTY: 55,
  PERM: 63,
} as const;

export interface Violation {
  operation: string;
  path: string;
  rule: string;
}

export interface Outcome {
  /** The errno the call must return; null when only "the guard let it through" is
   *  predicted (the file system outside the mounts, or names the SDK may refuse). */
  errno: number | null;
  /** Data the call must return when errno is 0 and it is known (read, readdir, readlink, stat). */
  extra?: string;
}

export interface ModelRun {
  outcomes: Outcome[];
  violations: Violation[];
  /** Under on_violation: trap, the guest stops at its first violation. */
  trapped: boolean;
  /** Situations a known guard defect is about (see known-defects.ts). */
  features: Set<string>;
}

type Node = DirNode | FileNode | LinkNode | Unknown;
interface DirNode {
  kind: "dir";
  entries: Map<string, Node>;
  /** An entry the model cannot name exactly was (maybe) added: listings are unknown. */
  tainted?: boolean;
}
interface FileNode {
  kind: "file";
  data: string;
  /** It has more than one name (path_link). */
  linked?: boolean;
}
interface LinkNode {
  kind: "link";
  target: string;
}
interface Unknown {
  kind: "unknown";
}
const UNKNOWN: Unknown = { kind: "unknown" };
const FILETYPE = { dir: 3, file: 4, link: 7 } as const;

/** A resolved path; `opaque`: its outcome is the SDK's (odd bytes, a non-directory dirfd). */
interface Resolved {
  comps: string[];
  opaque: boolean;
}

type FdEntry =
  | { kind: "preopen"; base: string[]; name: "/" | "." }
  | { kind: "opened"; path: string[]; node: Node; offset: number; append: boolean; writable: boolean; readable: boolean };

/** wasmer's preopens (ENGINE-NOTES): fd 3 "/", fd 4 "." (the workdir), fd 5 "/". */
export const PREOPENS: Record<number, "/" | "."> = { 3: "/", 4: ".", 5: "/" };

/** Names whose bytes the SDK may refuse or change (not printable ASCII). */
const plainName = (s: string) => /^[\x21-\x7e]+$/.test(s);
/** README "sandbox-exec": "In `path` fields ... bytes that are not valid UTF-8 appear as
 *  `\xHH` and a backslash as `\\`". `s` holds one byte per char. */
function recordText(s: string): string {
  const b = Buffer.from(s, "latin1");
  const cont = (i: number, lo = 0x80, hi = 0xbf) => i < b.length && b[i] >= lo && b[i] <= hi;
  const seqLen = (i: number): number => {
    const c = b[i];
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
      const [lo, hi] = c === 0xe0 ? [0xa0, 0xbf] : c === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
      const [lo, hi] = c === 0xf0 ? [0x90, 0xbf] : c === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    return 0;
  };
  let out = "";
  for (let i = 0; i < b.length;) {
    const n = seqLen(i);
    if (n === 0) {
      out += "\\x" + b[i].toString(16).padStart(2, "0");
      i++;
    } else {
      out += b
        .subarray(i, i + n)
        .toString("utf8")
        .replaceAll("\\", "\\\\");
      i += n;
    }
  }
  return out;
}

export class GuardModel {
  readonly grants: Grants;
  private readonly fds = new Map<number, FdEntry>();
  private readonly slots: number[] = [];
  /** Descriptors on the SDK's own "/" the guest closed: wasmer answers success but may
   *  keep them open, so reading from one is the SDK's answer (path calls and readdir are
   *  the guard's: EBADF). Until the number is reused. */
  private readonly zombies = new Set<number>();
  private readonly root: DirNode = { kind: "dir", entries: new Map() };
  readonly features = new Set<string>();

  constructor(
    readonly policy: ModelPolicy,
    private readonly oracle: (index: number) => number | undefined = () => undefined,
  ) {
    this.grants = grantsOf(policy);
    for (const [fd, name] of Object.entries(PREOPENS)) this.fds.set(Number(fd), { kind: "preopen", name, base: name === "/" ? [] : splitPath("/workspace") });
    for (const m of this.grants.mounts) this.root.entries.set(m.slice(1), { kind: "dir", entries: new Map() });
  }

  static run(policy: ModelPolicy, calls: Call[], oracle?: (index: number) => number | undefined): ModelRun {
    const model = new GuardModel(policy, (i) => {
      const answer = oracle?.(i);
      // under trap the guest's output is lost with it: a later call's slot is then unknowable
      if (answer === undefined) model.features.add("unobservable-open");
      return answer;
    });
    const outcomes: Outcome[] = [];
    const violations: Violation[] = [];
    for (let i = 0; i < calls.length; i++) {
      const before = violations.length;
      outcomes.push(model.call(calls[i], i, violations));
      if (violations.length > before && policy.onViolation === "trap") return { outcomes, violations, trapped: true, features: model.features };
    }
    return { outcomes, violations, trapped: false, features: model.features };
  }

  private fdNumber(ref: FdRef): number | undefined {
    return typeof ref === "number" ? ref : this.slots[ref.slot];
  }

  // ---- resolution (README "How enforcement works": the guard "resolves the guest path
  //      against its directory descriptor") ----------------------------------------------

  /** Resolve (fd, path) to an absolute guest path, or the guard's own answer. */
  private resolve(ref: FdRef, path: string, op: string, access: Access, out: Violation[]): Resolved | { errno: number } {
    if (path.length > PATH_MAX) return { errno: ERRNO.NAMETOOLONG }; // README Policy: "A path longer than 4096 bytes ... is answered ENAMETOOLONG"
    const fd = this.fdNumber(ref);
    const e = fd === undefined ? undefined : this.fds.get(fd);
    if (e === undefined) {
      // README Policy: "A path call on a descriptor that is neither a preopen nor one the
      // guest opened is denied (`engine: descriptor is not a preopened directory`); on
      // one that does not exist it is EBADF."
      if (fd !== undefined && fd >= 0 && fd <= 2) return this.deny(op, RULE.NOT_PREOPEN, path, out);
      return { errno: ERRNO.BADF };
    }
    const base = e.kind === "preopen" ? e.base : e.path;
    const { comps, minDepth } = lexical(base, path);
    // README "How enforcement works" and the breach catalogue (fs.raw.fd3-dotdot,
    // fs.raw.fd4-escape): `..` above "/" stays at "/"; above any other preopen, or a
    // descriptor the guest opened, it escapes and is denied with the path as given.
    if (tooLong(e.kind === "opened" ? ["#"] : base, path)) return { errno: ERRNO.NAMETOOLONG };
    const clamps = e.kind === "preopen" && e.name === "/";
    // (below a descriptor on "/" too: measured from the descriptor, not clamped at "/")
    const escapes = e.kind === "opened" ? lexical(["#"], path).minDepth < 1 : !clamps && minDepth < base.length;
    if (escapes) return this.deny(op, RULE.ESCAPES, path, out);
    const abs = joinPath(comps);
    const rule = policyRule(this.grants, abs, access);
    if (rule) {
      // README Policy: "A violation below a descriptor the guest opened is recorded as
      // `<dirfd>/PATH`, PATH relative to that descriptor."
      const shown = e.kind === "opened" ? ["<dirfd>", ...comps.slice(base.length)].join("/") : abs;
      return this.deny(op, rule, shown, out);
    }
    let opaque = false;
    if (!comps.every(plainName)) {
      // names with NUL, control bytes or invalid UTF-8: the SDK may refuse them (EINVAL)
      // or take them; the decision is compared, and what the call may have created is unknown
      this.taintPrefix(comps);
      opaque = true;
    }
    if (e.kind === "opened") {
      this.features.add("fd-relative");
      // relative to a descriptor that is not a directory: the SDK answers (EACCES, where
      // openat(2) says ENOTDIR); the guard's decision is all that is compared
      if (e.node.kind !== "dir") opaque = true;
    }
    // the descriptor's own directory ("", "."): creating or removing it is the SDK's answer
    // (EACCES where Linux says EEXIST or EINVAL)
    if (access !== "read" && access !== "stat" && comps.length === base.length) opaque = true;
    return { comps, opaque };
  }

  /** README "sandbox-exec": the violation is recorded and the call answers EACCES (or, under
   *  `on_violation: trap`, the guest is stopped). */
  private deny(op: string, rule: string, path: string, out: Violation[]): { errno: number } {
    out.push({ operation: op, path: recordText(path), rule });
    return { errno: ERRNO.ACCES };
  }

  // ---- the file system model (Linux semantics) ------------------------------------------

  private walk(
    comps: string[],
    followLast: boolean,
    depth = 0,
  ): { parent: Node; name: string; node: Node | undefined; comps: string[] } | { errno: number } | "unknown" {
    if (comps.length === 0) return "unknown"; // the guest's "/" is the SDK's image
    let cur: Node = this.root;
    for (let i = 0; i < comps.length; i++) {
      if (cur.kind === "unknown") return "unknown";
      if (cur.kind !== "dir") return { errno: ERRNO.NOTDIR };
      const name = comps[i];
      const child = cur.entries.get(name);
      if (child === undefined && cur === this.root) return "unknown"; // the SDK's image
      if (child === undefined && !plainName(name)) return "unknown";
      const last = i === comps.length - 1;
      if (child?.kind === "link" && (!last || followLast)) {
        if (depth >= 32) return { errno: ERRNO.LOOP };
        const t = child.target;
        // README Policy: "Symlinks resolve in the guest's namespace, as on Linux: an
        // absolute target from the guest's `/`, a relative one from the link's directory."
        if (t.startsWith("/")) {
          const targetComps = splitPath(t);
          if (this.grants.mounts.some((m) => within(joinPath(targetComps), m))) this.features.add("absolute-symlink-into-mount");
        }
        const next = lexical(t.startsWith("/") ? [] : comps.slice(0, i), t).comps.concat(comps.slice(i + 1));
        return this.walk(next, followLast, depth + 1);
      }
      if (last) return { parent: cur, name, node: child, comps };
      if (child === undefined) return { errno: ERRNO.NOENT };
      cur = child;
    }
    return "unknown";
  }

  private taintPrefix(comps: string[]) {
    let cur: Node = this.root;
    for (const c of comps) {
      if (cur.kind !== "dir") return;
      const next = cur.entries.get(c);
      if (!plainName(c) || next === undefined) {
        if (cur !== this.root) cur.tainted = true;
        return;
      }
      cur = next;
    }
  }

  private walkFrom(r: Resolved, followLast: boolean) {
    return r.opaque ? ("unknown" as const) : this.walk(r.comps, followLast);
  }

  private fdAlloc(): number {
    let n = 6;
    while (this.fds.has(n) || this.zombies.has(n)) n++;
    return n;
  }

  private detach(parent: Node, name: string) {
    if (parent.kind === "dir") parent.entries.delete(name);
  }

  /** Make what a call may have changed unknown (its outcome could not be predicted). */
  private taint(...targets: { parent: Node; name: string }[]) {
    // the entry may or may not exist now: its directory's listing is unknown too
    for (const t of targets)
      if (t.parent.kind === "dir") {
        t.parent.entries.set(t.name, UNKNOWN);
        t.parent.tainted = true;
      }
  }

  // ---- one call -------------------------------------------------------------------------

  call(c: Call, index: number, out: Violation[]): Outcome {
    // the interpreter answers -1 for a descriptor slot no open has filled
    const refs = [c.fd, ...("fd2" in c ? [c.fd2] : []), ...("to" in c ? [c.to] : [])];
    if (refs.some((r) => typeof r !== "number" && this.slots[r.slot] === undefined)) return { errno: -1 };
    switch (c.op) {
      case "open":
        return this.open(c, index, out);
      case "stat": {
        const r = this.resolve(c.fd, c.path, "stat", "stat", out);
        if ("errno" in r) return r;
        return r.opaque ? { errno: null } : this.fsStat(r.comps, (c.lookup & LOOKUP_FOLLOW) !== 0, c.path);
      }
      case "utimes": {
        const r = this.resolve(c.fd, c.path, "utimes", "write", out);
        if ("errno" in r) return r;
        const s = r.opaque ? { errno: null } : this.fsStat(r.comps, true, c.path);
        return { errno: s.errno };
      }
      case "readlink": {
        const r = this.resolve(c.fd, c.path, "readlink", "read", out);
        if ("errno" in r) return r;
        const w = this.walkFrom(r, false);
        if (w === "unknown") return { errno: null };
        if ("errno" in w) return w;
        if (w.node === undefined) return { errno: ERRNO.NOENT };
        if (w.node.kind === "unknown") return { errno: null };
        if (w.node.kind !== "link") return { errno: ERRNO.INVAL };
        return { errno: 0, extra: Buffer.from(w.node.target, "latin1").toString("hex") };
      }
      case "mkdir": {
        const r = this.resolve(c.fd, c.path, "mkdir", "write", out);
        if ("errno" in r) return r;
        const w = this.walkFrom(r, false);
        if (w === "unknown") return { errno: null };
        if ("errno" in w) return w;
        if (w.node?.kind === "unknown" || w.parent.kind === "unknown") return { errno: null };
        if (w.node !== undefined) return { errno: ERRNO.EXIST };
        if (!plainName(w.name)) return this.taintDir(w.parent);
        (w.parent as DirNode).entries.set(w.name, { kind: "dir", entries: new Map() });
        return { errno: 0 };
      }
      case "rmdir":
      case "unlink":
        return this.remove(c as { op: "rmdir" | "unlink"; fd: FdRef; path: string }, out);
      case "rename":
      case "link":
        return this.twoPaths(c, out);
      case "symlink":
        return this.symlink(c, out);
      case "readdir":
        return this.readdir(c.fd, out);
      case "read":
      case "write":
        return this.readWrite(c as { op: "read" | "write"; fd: FdRef; data?: string });
      case "close":
        return this.close(c.fd, out);
      case "renumber":
        return this.renumber(c.fd, c.to, out);
    }
  }

  private taintDir(parent: Node): Outcome {
    if (parent.kind === "dir") parent.tainted = true;
    return { errno: null };
  }

  private fsStat(comps: string[], follow: boolean, raw: string): Outcome {
    const w = this.walk(comps, follow);
    if (w === "unknown") return { errno: null };
    if ("errno" in w) return w;
    if (w.node === undefined) return { errno: ERRNO.NOENT };
    if (w.node.kind === "unknown") return { errno: null };
    if (trailingSlash(raw) && w.node.kind !== "dir") return this.slashOnNonDir();
    return { errno: 0, extra: String(FILETYPE[w.node.kind]) };
  }

  /** README Policy: "A path that ends in `/` names a directory: for anything else the
   *  call fails with ENOTDIR, as on Linux." */
  private slashOnNonDir(): Outcome {
    this.features.add("trailing-slash-on-non-directory");
    return { errno: ERRNO.NOTDIR };
  }

  private open(c: Extract<Call, { op: "open" }>, index: number, out: Violation[]): Outcome {
    const writes = openWrites(c.oflags, c.rights, c.fdflags);
    const r = this.resolve(c.fd, c.path, "open", writes ? "write" : "read", out);
    if ("errno" in r) {
      if (r.errno === null && this.oracle(index) === 0) this.openUnknown(c.fd, writes);
      return r;
    }
    const creat = (c.oflags & OFLAGS.CREAT) !== 0;
    const excl = creat && (c.oflags & OFLAGS.EXCL) !== 0;
    const w = this.walkFrom(r, (c.lookup & LOOKUP_FOLLOW) !== 0 && !excl);
    const opened = (node: Node): Outcome => {
      const fd = this.fdAlloc();
      this.fds.set(fd, { kind: "opened", path: r.comps, node, offset: 0, append: (c.fdflags & 1) !== 0, writable: writes, readable: true });
      this.slots.push(fd);
      return { errno: 0, extra: String(fd) };
    };
    const unknown = (): Outcome => {
      // The outcome lies outside the model: take the real run's answer for the state only.
      if (this.oracle(index) === 0) {
        const fd = this.fdAlloc();
        this.fds.set(fd, { kind: "opened", path: r.comps, node: UNKNOWN, offset: 0, append: false, writable: writes, readable: true });
        this.slots.push(fd);
      }
      return { errno: null };
    };
    if (w === "unknown") return unknown();
    if ("errno" in w) return w;
    if (w.parent.kind === "unknown" || w.node?.kind === "unknown") return unknown();
    if (w.node === undefined) {
      if (!creat) return { errno: ERRNO.NOENT };
      if (trailingSlash(c.path)) {
        // O_CREAT of "name/": Linux answers EISDIR (it would have to be a directory)
        this.features.add("trailing-slash-on-non-directory");
        return { errno: ERRNO.ISDIR };
      }
      if (!plainName(w.name)) {
        this.taintDir(w.parent);
        return unknown();
      }
      if (w.parent.kind !== "dir") return { errno: ERRNO.NOTDIR };
      const file: FileNode = { kind: "file", data: "" };
      w.parent.entries.set(w.name, file);
      return opened(file);
    }
    if (excl) return { errno: ERRNO.EXIST };
    const node = w.node;
    if (node.kind === "link") return { errno: ERRNO.LOOP }; // not followed: O_NOFOLLOW
    if ((c.oflags & OFLAGS.DIRECTORY) !== 0 && node.kind !== "dir") return { errno: ERRNO.NOTDIR };
    if (trailingSlash(c.path) && node.kind !== "dir") return this.slashOnNonDir();
    if (node.kind === "dir") {
      // for writing, or without O_DIRECTORY (the SDK answers EISDIR): the SDK's business
      if (writes || (c.oflags & OFLAGS.DIRECTORY) === 0) return unknown();
      return opened(node);
    }
    if ((c.oflags & OFLAGS.TRUNC) !== 0) node.data = "";
    return opened(node);
  }

  /** An open the model cannot predict succeeded: a descriptor on an unknown file. */
  private openUnknown(dir: FdRef, writes: boolean) {
    const fd = this.fdAlloc();
    const d = this.fds.get(this.fdNumber(dir)!);
    this.fds.set(fd, { kind: "opened", path: d?.kind === "opened" ? d.path : [], node: UNKNOWN, offset: 0, append: false, writable: writes, readable: true });
    this.slots.push(fd);
  }

  private remove(c: { op: "rmdir" | "unlink"; fd: FdRef; path: string }, out: Violation[]): Outcome {
    // unlinking a path removes it too (README: the mounts cannot be unlinked)
    const r = this.resolve(c.fd, c.path, c.op, "remove", out);
    if ("errno" in r) return r;
    const w = this.walkFrom(r, false);
    if (w === "unknown") return { errno: null };
    if ("errno" in w) return w;
    if (w.node === undefined) return { errno: ERRNO.NOENT };
    if (w.node.kind === "unknown" || w.parent.kind === "unknown" || w.node === this.root) return { errno: null };
    if (r.comps.length === 0 || this.openedDirIs(w.node)) {
      this.taint(w);
      return { errno: null };
    }
    if (c.op === "rmdir") {
      if (w.node.kind !== "dir") return { errno: null }; // Linux ENOTDIR; the SDK says ENOENT for a symlink
      // wasmer's rmdir answers ENOENT through fd 4 even for an empty directory (through
      // fd 3 it works, ENOTEMPTY included): its outcome, and so the entry, are the SDK's
      this.taint(w);
      return { errno: null };
    } else {
      if (w.node.kind === "dir") return { errno: ERRNO.ISDIR };
      if (trailingSlash(c.path)) return this.slashOnNonDir();
      if (w.node.kind === "file" && w.node.linked) {
        // wasmer still lists a hard-linked file's name after unlinking it: the SDK's
        // file system, not the guard's decision (which is all that is compared here)
        this.taint(w);
        return this.taintDir(w.parent);
      }
    }
    this.detach(w.parent, w.name);
    return { errno: 0 };
  }

  /** Removing or moving a directory a descriptor is open on: left to the SDK. */
  private openedDirIs(node: Node): boolean {
    for (const e of this.fds.values()) if (e.kind === "opened" && e.node === node && node.kind === "dir") return true;
    return false;
  }

  private twoPaths(c: Extract<Call, { op: "rename" | "link" }>, out: Violation[]): Outcome {
    // README "How enforcement works": "hard links and renames need write access on both
    // ends"; README Policy: the mounts "can never be removed or renamed".
    const a = this.resolve(c.fd, c.path, c.op, c.op === "rename" ? "remove" : "write", out);
    if ("errno" in a) return a;
    // the destination is replaced: a mount cannot be (README Policy)
    const b = this.resolve(c.fd2, c.path2, c.op, "remove", out);
    if ("errno" in b) return b;
    const src = this.walkFrom(a, false);
    const dst = this.walkFrom(b, false);
    if (src === "unknown" || dst === "unknown") {
      if (src !== "unknown" && !("errno" in src) && c.op === "rename") this.taint(src);
      if (dst !== "unknown" && !("errno" in dst)) this.taint(dst);
      return { errno: null };
    }
    if ("errno" in src) return src;
    if (src.node === undefined) return { errno: ERRNO.NOENT };
    if ("errno" in dst) return dst;
    if (src.node.kind === "unknown" || dst.parent.kind === "unknown" || dst.node?.kind === "unknown" || src.node === this.root || !plainName(dst.name)) {
      if (c.op === "rename") this.taint(src);
      this.taint(dst);
      return { errno: null };
    }
    if (trailingSlash(c.path) || trailingSlash(c.path2)) {
      if (src.node.kind !== "dir") return this.slashOnNonDir();
    }
    if (c.op === "link") {
      if (dst.node !== undefined) return { errno: ERRNO.EXIST }; // checked before EPERM, as Linux
      if (src.node.kind === "dir") {
        // Linux refuses a hard link to a directory; wasmer makes one (a cycle, even of the
        // workdir itself), and the guard lets it through
        this.features.add("hard-link-to-directory");
        return { errno: ERRNO.PERM };
      }
      this.features.add("hard-link");
      if (src.node.kind === "file") src.node.linked = true;
      (dst.parent as DirNode).entries.set(dst.name, src.node);
      return { errno: 0 };
    }
    if (src.node === dst.node) return { errno: 0 };
    const followed = src.node.kind === "link" ? this.walk(a.comps, true) : undefined;
    // wasmer answers ENOENT to moving a symlink to a directory: the SDK's business too
    const linkToDir =
      followed !== undefined && followed !== "unknown" && !("errno" in followed) && followed.node?.kind !== "file" && followed.node?.kind !== "link";
    if (src.node.kind === "dir" || linkToDir || dst.node !== undefined || this.openedDirIs(src.node)) {
      // directory moves and replacements: many Linux rules (EINVAL into itself, ENOTEMPTY,
      // EISDIR): left to the SDK, the state becomes unknown
      this.taint(src, dst);
      return { errno: null };
    }
    this.detach(src.parent, src.name);
    (dst.parent as DirNode).entries.set(dst.name, src.node);
    return { errno: 0 };
  }

  private symlink(c: Extract<Call, { op: "symlink" }>, out: Violation[]): Outcome {
    const r = this.resolve(c.fd, c.path, "symlink", "remove", out); // replaces the path: not a mount
    if ("errno" in r) return r;
    // README "How enforcement works": "Symlinks may not have `..` in their target, and an
    // absolute target must lie in a read-write root"; README Policy: "a refused target
    // is recorded normalised, as if it were absolute; a link stores its target
    // normalised (`a//./b` as `a/b`)".
    if (c.target.length > PATH_MAX) return { errno: ERRNO.NAMETOOLONG };
    const t = lexical([], c.target);
    const shown = joinPath(t.comps);
    const absolute = c.target.startsWith("/");
    if (c.target.split("/").includes("..")) return this.deny("symlink", RULE.SYMLINK_TARGET, shown, out);
    const rule = policyRule(this.grants, shown, "write");
    if (rule === RULE.RESERVED || (rule && absolute)) return this.deny("symlink", RULE.SYMLINK_TARGET, shown, out);
    const stored = absolute ? shown : t.comps.join("/");
    const w = this.walkFrom(r, false);
    // wasmer 0.16 panics (the guest traps) on a symlink whose parent is not a directory
    // (the parent is walked even when odd bytes make the outcome the SDK's)
    const parent = r.opaque ? this.walk(r.comps, false) : w;
    if (parent !== "unknown" && "errno" in parent && parent.errno === ERRNO.NOTDIR) this.features.add("sdk-panic-symlink-below-file");
    if (stored === "") {
      // an empty target, or ".": the SDK's business, and it may have made the link
      if (w !== "unknown" && !("errno" in w)) {
        this.taintDir(w.parent);
        this.taint(w);
      }
      return { errno: null };
    }
    if (!t.comps.every(plainName)) {
      // a target with odd bytes: the SDK's answer, and it may have made the link
      this.taintPrefix(r.comps);
      if (w !== "unknown" && !("errno" in w)) this.taint(w);
      return { errno: null };
    }
    if (w === "unknown") return { errno: null };
    if ("errno" in w) return w;
    if (w.parent.kind === "unknown" || w.node?.kind === "unknown") return { errno: null };
    if (w.node !== undefined) return { errno: ERRNO.EXIST };
    if (!plainName(w.name)) {
      this.taint(w);
      return { errno: null };
    }
    if (trailingSlash(c.path)) {
      // a link named "name/": the SDK's answer, and it may have made the link
      this.taintDir(w.parent);
      this.taint(w);
      return { errno: null };
    }
    (w.parent as DirNode).entries.set(w.name, { kind: "link", target: stored });
    return { errno: 0 };
  }

  private readdir(ref: FdRef, out: Violation[]): Outcome {
    const fd = this.fdNumber(ref);
    const e = fd === undefined ? undefined : this.fds.get(fd);
    if (e === undefined) return { errno: fd !== undefined && fd <= 2 ? null : ERRNO.BADF };
    let node: Node;
    if (e.kind === "preopen") {
      // README "How enforcement works": listing a preopen needs read access to its directory.
      const abs = joinPath(e.base);
      const rule = policyRule(this.grants, abs, "read");
      if (rule) return this.deny("readdir", rule, abs, out);
      if (e.name === ".") this.features.add("readdir-workdir-preopen");
      const w = this.walk(e.base, true);
      if (w === "unknown" || "errno" in w || w.node === undefined || e.base.length === 0) return { errno: null };
      node = w.node;
    } else node = e.node;
    if (node.kind === "unknown" || (node.kind === "dir" && node.tainted)) return { errno: null };
    if (node.kind !== "dir") return { errno: null }; // readdir of a file descriptor: the SDK's errno
    return {
      errno: 0,
      extra: [...node.entries.keys()]
        .sort()
        .map((n) => Buffer.from(n, "latin1").toString("hex"))
        .join(","),
    };
  }

  private readWrite(c: { op: "read" | "write"; fd: FdRef; data?: string }): Outcome {
    const fd = this.fdNumber(c.fd);
    if (fd !== undefined && this.zombies.has(fd)) return { errno: null };
    const e = fd === undefined ? undefined : this.fds.get(fd);
    if (e === undefined) return { errno: fd !== undefined && fd <= 2 ? null : ERRNO.BADF };
    if (e.kind === "preopen") return { errno: null };
    if (e.node.kind !== "file") return { errno: null };
    const f = e.node;
    if (c.op === "read") {
      const data = f.data.slice(e.offset, e.offset + 64);
      e.offset += data.length;
      return { errno: 0, extra: Buffer.from(data, "latin1").toString("hex") };
    }
    const data = c.data ?? "";
    if (!e.writable) return { errno: null };
    if (e.append) e.offset = f.data.length;
    f.data = f.data.slice(0, e.offset).padEnd(e.offset, "\0") + data + f.data.slice(e.offset + data.length);
    e.offset += data.length;
    return { errno: 0 };
  }

  private close(ref: FdRef, out: Violation[]): Outcome {
    const fd = this.fdNumber(ref);
    // README "How enforcement works": "preopens ... cannot be closed or renumbered".
    if (fd !== undefined && fd in PREOPENS) {
      this.deny("fd_close", RULE.PROTECTED_FD, "", out);
      return { errno: ERRNO.BADF };
    }
    if (fd !== undefined && this.zombies.has(fd)) return { errno: null };
    if (fd === undefined || !this.fds.has(fd)) return { errno: ERRNO.BADF };
    const e = this.fds.get(fd)!;
    if (e.kind === "opened" && e.path.length === 0) this.zombies.add(fd);
    this.fds.delete(fd);
    return { errno: 0 };
  }

  private renumber(from: FdRef, to: FdRef, out: Violation[]): Outcome {
    const a = this.fdNumber(from);
    const b = this.fdNumber(to);
    if ((a !== undefined && a in PREOPENS) || (b !== undefined && b in PREOPENS)) {
      this.deny("fd_renumber", RULE.PROTECTED_FD, "", out);
      return { errno: ERRNO.BADF };
    }
    if ((a !== undefined && this.zombies.has(a)) || (b !== undefined && this.zombies.has(b))) {
      this.features.add("unobservable-open"); // what the SDK did with its descriptor table is unknown
      return { errno: null };
    }
    if (a === undefined || b === undefined || !this.fds.has(a) || !this.fds.has(b)) return { errno: ERRNO.BADF };
    if (a === b) return { errno: 0 };
    this.fds.set(b, this.fds.get(a)!);
    this.fds.delete(a);
    if (typeof from !== "number") this.slots[from.slot] = b;
    return { errno: 0 };
  }
}

/** README Policy: "a path whose resolved form would pass 4096 bytes at any step (counted
 *  from the preopen's own path, or 2 bytes for a descriptor the guest opened) ... is
 *  answered ENAMETOOLONG": each name appended must leave room for one more separator. */
function tooLong(base: string[], path: string): boolean {
  const lens = [1];
  for (const c of base) lens.push(lens[lens.length - 1] + (lens.length > 1 ? 1 : 0) + c.length);
  for (const c of path.split("/")) {
    if (c === "" || c === ".") continue;
    const o = lens[lens.length - 1];
    if (c === "..") {
      if (lens.length > 1) lens.pop();
      continue;
    }
    if (o + c.length + 1 > PATH_MAX) return true;
    lens.push(o > 1 ? o + 1 + c.length : o + c.length);
  }
  return false;
}

/** The raw path ends in "/" after a name (the root itself does not count). */
function trailingSlash(raw: string): boolean {
  return raw.length > 0 && raw.endsWith("/") && raw.replace(/\/+$/, "") !== "" && !/(^|\/)\.{1,2}\/+$/.test(raw);
}
