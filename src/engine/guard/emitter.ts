// The in-module policy guard, generated as binaryen IR.
//
// One guard per path-taking WASI function, built into a template module (template.ts)
// and exported as `guard_<name>`; splice.ts points every call site and table entry of
// the guest's import at it, and only guard code calls the real import (`__cr_raw_<name>`
// in the template). A guard:
//   1. resolves the guest path against the dirfd's preopen name and normalises
//      `.`/`..` into a private copy (the check and the real call both use the copy);
//   2. checks the copy against the policy, which is compiled into code constants
//      (guest code cannot read or patch code, only linear memory);
//   3. on a violation appends a record to the audit file with raw calls and answers
//      EACCES (or traps), otherwise calls the real import with the normalised path.
// Scratch memory is carved below the shadow-stack pointer, like a C local array; no
// guest code runs while a guard does (threads and shared memory are refused).
import binaryen from "binaryen";
import type { GuardConfig } from "../policy/guard-config.js";
import { bytesEqual, Expr, FnBuilder, i32, i64, none, storeBytes } from "./ir.js";
import { AUDIT_FILE_NAME, opCode, Operation, Rule } from "./violation-codes.js";
import { Errno, GUARDED_FUNCTIONS } from "../rewrite/wasi-preview1.js";
import { GUARD_SCRATCH_BYTES } from "../rewrite/stack-layout.js";
import { PATH_MAX, S } from "./scratch.js";
import { fdstatGuardBody } from "./stdio-guard.js";
import { narrowUnlessWritable, openWrites } from "./open-rights.js";
import { emitFdLabel, fdGuards } from "./fd-guards.js";
import { DescriptorPaths, policyAncestors, TRACKED_FDS } from "./fd-paths.js";
import { emitFsChecks, openSlashChecks, openSlashPostCheck, refuseDirectoryLink, slashNamesDirectory, statSlashCheck, twoPathSlashChecks } from "./fs-checks.js";

/** Test hook (engine API only: buildGuardTemplate's second argument; no policy file, flag,
 *  HTTP body or state file reaches it): breaks one rule of the guard, so the model-based
 *  tests (test/model/) can show they catch a broken guard. */
export type GuardMutation =
  | "dotdot-shallow" // ".." climbs one level too few (not at all)
  | "grant-prefix" // the "/" after a grant is ignored: /workspace also grants /workspacex
  | "symlink-unchecked" // symlink targets are not checked
  | "swap-access"; // read_only and read_write swapped
export const GUARD_MUTATIONS: readonly GuardMutation[] = ["dotdot-shallow", "grant-prefix", "symlink-unchecked", "swap-access"];

const enc = (s: string) => new TextEncoder().encode(s);
/** Longest startDir (it lives in the second half of the scratch's 512-byte name area). */
export const MAX_START_DIR = 255;
const SCRATCH_BELOW_SP = GUARD_SCRATCH_BYTES;
const ACCESS_READ = 1;
const ENOENT = 44;
const ACCESS_WRITE = 2;
const ACCESS_STAT = 3;
/** Write access that removes or moves the path itself (rename source, rmdir, unlink). */
const ACCESS_REMOVE = 4;
/** Write access that puts something new at the path (rename target, link, symlink). */
const ACCESS_REPLACE = 5;
/** Largest size or offset a guest may give a file with fd_filestat_set_size,
 *  fd_allocate, fd_pwrite or fd_seek: files live in the worker's memory, whose
 *  allowance besides guest memory is 768 MiB (worker-main.ts HOST_RSS_BASE), and the
 *  SDK grows a file by copying it. Beyond it the call fails at once with EFBIG. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export const G = {
  scratch: "__cr_scratch",
  prefixLen: "__cr_prefix_len",
  minLen: "__cr_min_len",
  sawDotDot: "__cr_saw_dotdot",
  relPtr: "__cr_rel_ptr",
  relLen: "__cr_rel_len",
  rootFd: "__cr_root_fd",
  preopens: "__cr_preopens",
  rootPreopens: "__cr_root_preopens",
  dotPreopens: "__cr_dot_preopens",
  relMode: "__cr_rel_mode",
  fdRead: "__cr_fd_read",
  fdWrite: "__cr_fd_write",
  cwdFd: "__cr_cwd_fd",
  fdList: "__cr_fd_list",
  realFd: "__cr_real_fd",
  fdFixed: "__cr_fd_fixed",
};
/** Directories of devices, listable when a device in them is granted. */
const DEVICE_DIRS = ["/dev", "/dev/fd"];
/** Resolved paths relative to a tracked descriptor start with this component. */
export const DIRFD_SENTINEL = "/#";
export const RAW_PREFIX = "__cr_raw_";
const raw = (name: string) => RAW_PREFIX + name;

/** Raw imports the guard itself needs besides the ones it wraps. */
export const GUARD_RUNTIME_IMPORTS = ["fd_prestat_get", "fd_prestat_dir_name", "fd_fdstat_get", "path_open", "fd_seek", "fd_write", "fd_close", "fd_filestat_get"];

export class GuardEmitter {
  private readonly cfg: GuardConfig;
  constructor(
    readonly m: binaryen.Module,
    cfg: GuardConfig,
    private readonly stackPointer: string,
    /** An immutable global: the lowest address scratch may reach (stack-layout.ts). */
    private readonly stackFloor: string,
    private readonly mutation?: GuardMutation,
  ) {
    this.cfg = mutation === "swap-access" ? { ...cfg, readOnly: cfg.readWrite, readWrite: cfg.readOnly } : cfg;
  }

  /** Adds globals and helper functions; call once before emitting guards. */
  emitRuntime(): void {
    const m = this.m;
    for (const g of [G.scratch, G.prefixLen, G.minLen, G.sawDotDot, G.relPtr, G.relLen]) m.addGlobal(g, i32, true, m.i32.const(0));
    m.addGlobal(G.rootFd, i32, true, m.i32.const(-1));
    m.addGlobal(G.cwdFd, i32, true, m.i32.const(-1));
    m.addGlobal(G.realFd, i32, true, m.i32.const(-1));
    m.addGlobal(G.preopens, i32, true, m.i32.const(0));
    m.addGlobal(G.rootPreopens, i32, true, m.i32.const(0));
    m.addGlobal(G.dotPreopens, i32, true, m.i32.const(0));
    m.addGlobal(G.relMode, i32, true, m.i32.const(0));
    const fixedPaths = [this.cfg.workdir, ...[...(this.cfg.mounts ?? []), ...(this.cfg.devices ?? [])].map((x) => x.guest)];
    new DescriptorPaths(m, policyAncestors([...this.cfg.readOnly, ...this.cfg.readWrite, ...fixedPaths, ...this.listingOnlyDirs()])).emit();
    this.emitScratch();
    this.emitInBounds();
    this.emitNormalise();
    this.emitResolve();
    this.emitResolveTracked();
    this.emitPolicy();
    this.emitPreopenSet();
    this.emitRootFd();
    this.emitRecord();
    this.emitDeny();
    this.emitMounts();
    this.emitCopy();
    this.emitDirHelpers();
    this.emitMapAbsolute();
    this.emitFollow();
    this.emitFdTracking();
    this.emitRootName();
    this.emitListingOnly();
    emitFdLabel(m);
    emitFsChecks(m, G.scratch, raw);
  }

  /** Descriptors opened through the guard, with what their subtree allows, kept in
   *  globals the guest cannot reach. wasi-libc's readdir and openat-style code make
   *  path calls relative to such descriptors; they are checked against these bits
   *  (a path below a granted directory has the directory's access). */
  private emitFdTracking() {
    const m = this.m;
    const bit = (fd: Expr) => m.i64.shl(m.i64.const(1, 0), m.i64.extend_u(fd));
    const has = (g: string, fd: Expr) => m.i64.ne(m.i64.and(m.global.get(g, i64), bit(fd)), m.i64.const(0, 0));
    const small = (fd: () => Expr) => m.i32.lt_u(fd(), m.i32.const(TRACKED_FDS));

    const tracked = new FnBuilder(m, "__cr_fd_tracked", [["fd", i32]], i32);
    tracked.finish([m.return(m.i32.and(small(() => tracked.get("fd")), m.if(small(() => tracked.get("fd")), has(G.fdRead, tracked.get("fd")), m.i32.const(0))))]);

    // __cr_fd_set(fd, readable, writable, listingOnly): a listing-only directory (/dev)
    // allows nothing below it but stat
    const set = new FnBuilder(m, "__cr_fd_set", [["fd", i32], ["r", i32], ["w", i32], ["x", i32]], none);
    const upd = (g: string, flag: string) =>
      m.global.set(
        g,
        m.if(
          set.get(flag),
          m.i64.or(m.global.get(g, i64), bit(set.get("fd"))),
          m.i64.and(m.global.get(g, i64), m.i64.xor(bit(set.get("fd")), m.i64.const(-1, -1))),
        ),
      );
    set.finish([m.if(m.i32.eqz(small(() => set.get("fd"))), m.return()), upd(G.fdRead, "r"), upd(G.fdWrite, "w"), upd(G.fdList, "x")]);

    // __cr_fd_policy(fd, buf, len, access) -> 0 | rule, for a path below a tracked fd
    // (fd-paths.ts): below an ancestor of the policy's paths, the policy of the
    // path rebuilt in full (in the second mapped area); below any other descriptor,
    // its bits; the descriptor's own directory may not be removed if it is structure
    const pol = new FnBuilder(m, "__cr_fd_policy", [["fd", i32], ["buf", i32], ["len", i32], ["access", i32]], i32);
    const writes = m.i32.or(m.i32.eq(pol.get("access"), m.i32.const(ACCESS_WRITE)), m.i32.ge_u(pol.get("access"), m.i32.const(ACCESS_REMOVE)));
    const abs = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.mapped2));
    const absLen = pol.local("abslen");
    pol.finish([
      this.reservedCheck(pol),
      m.if(
        m.call("__cr_fd_anc", [pol.get("fd")], i32),
        m.block(null, [
          pol.set(absLen, m.call("__cr_fd_abs", [pol.get("fd"), pol.get("buf"), pol.get("len"), abs()], i32)),
          m.return(m.call("__cr_policy", [abs(), pol.get(absLen), pol.get("access")], i32)),
        ]),
      ),
      m.if(
        m.i32.and(m.i32.and(m.i32.ge_u(pol.get("access"), m.i32.const(ACCESS_REMOVE)), m.i32.eq(pol.get("len"), m.i32.const(2))), has(G.fdFixed, pol.get("fd"))),
        m.return(m.i32.const(Rule.RESERVED)),
      ),
      m.if(m.i32.and(has(G.fdList, pol.get("fd")), m.i32.ne(pol.get("access"), m.i32.const(ACCESS_STAT))), m.return(m.i32.const(Rule.NOT_GRANTED))),
      m.if(writes, m.if(has(G.fdWrite, pol.get("fd")), m.return(m.i32.const(0)), m.return(m.i32.const(Rule.READ_ONLY)))),
      m.return(m.i32.const(0)),
    ]);

    // __cr_subtree_writable(buf, len): rw-granted with no read-only grant below it
    const sub = new FnBuilder(m, "__cr_subtree_writable", [["buf", i32], ["len", i32]], i32);
    const body: Expr[] = [m.if(m.i32.ne(m.call("__cr_policy", [sub.get("buf"), sub.get("len"), m.i32.const(ACCESS_WRITE)], i32), m.i32.const(0)), m.return(m.i32.const(0)))];
    for (const g of this.cfg.readOnly) {
      // g strictly below buf: buf is "/" or g starts with buf + "/"
      const checks: Expr[] = [m.i32.eq(sub.get("len"), m.i32.const(1))];
      for (let k = 1; k < g.length; k++) {
        if (g[k] !== "/") continue;
        const pre = enc(g.slice(0, k));
        checks.push(m.i32.and(m.i32.eq(sub.get("len"), m.i32.const(pre.length)), bytesEqual(m, () => sub.get("buf"), pre)));
      }
      body.push(m.if(checks.reduce((a, b) => m.i32.or(a, b)), m.return(m.i32.const(0))));
    }
    body.push(m.return(m.i32.const(1)));
    sub.finish(body);
  }

  /** `__cr_map(buf, len)`: if the path lies in a mount, point relPtr/relLen at the
   *  same path under the mount's backing directory (checked paths stay guest paths). */
  private emitMounts() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_map", [["buf", i32], ["len", i32], ["dest", i32]], none);
    const k = f.local("k");
    const wd = this.cfg.workdir;
    const wdBytes = enc(wd);
    const prefixLen = () => m.global.get(G.prefixLen, i32);
    // The real call is relative to the dirfd's preopen: "/" (fd 3, 5) or the workdir (fd 4).
    const viaRoot = () => m.i32.eq(prefixLen(), m.i32.const(1));
    const viaWorkdir = () => m.i32.and(m.i32.eq(prefixLen(), m.i32.const(wdBytes.length)), bytesEqual(m, () => f.get("buf"), wdBytes));
    const rewrite = (guest: Uint8Array, backingRel: Uint8Array): Expr =>
      m.block(null, [
        ...storeBytes(m, () => f.get("dest"), backingRel),
        f.set(k, m.i32.const(guest.length)),
        f.whileLoop(
          () => m.i32.lt_u(f.get(k), f.get("len")),
          () => [
            m.i32.store8(0, 1, m.i32.add(m.i32.add(f.get("dest"), f.get(k)), m.i32.const(backingRel.length - guest.length)), m.i32.load8_u(0, 1, m.i32.add(f.get("buf"), f.get(k)))),
            f.set(k, m.i32.add(f.get(k), m.i32.const(1))),
          ],
        ),
        m.global.set(G.relPtr, f.get("dest")),
        m.global.set(G.relLen, m.i32.add(m.i32.const(backingRel.length - guest.length), f.get("len"))),
        m.return(),
      ]);
    const body: Expr[] = [m.if(m.global.get(G.relMode, i32), m.return())];
    for (const mount of [...(this.cfg.mounts ?? []), ...(this.cfg.devices ?? [])]) {
      const guest = enc(mount.guest);
      const fromRoot = enc(mount.backing.replace(/^\/+/, ""));
      body.push(m.if(m.i32.and(this.within(f, mount.guest), viaRoot()), rewrite(guest, fromRoot)));
      if (mount.backing.startsWith(wd + "/") && (this.cfg.mounts ?? []).includes(mount)) {
        // wasmer keeps hard links per view: one made through the workdir preopen is not
        // seen through "/" and back, so the real call goes through the root preopen
        // whenever there is one (one view of the backing directories for every call)
        const fromWorkdir = enc(mount.backing.slice(wd.length + 1));
        const root = () => m.global.get(G.rootFd, i32);
        const viaRootPreopen = m.block(null, [m.global.set(G.realFd, root()), rewrite(guest, fromRoot)]);
        body.push(m.if(m.i32.and(this.within(f, mount.guest), viaWorkdir()), m.if(m.i32.ge_s(root(), m.i32.const(0)), viaRootPreopen, rewrite(guest, fromWorkdir))));
      }
    }
    f.finish(body);
  }

  /** `__cr_copy(dest, src, n)`: a byte copy (the template uses no bulk-memory ops). */
  private emitCopy() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_copy", [["dest", i32], ["src", i32], ["n", i32]], none);
    const k = f.local("k");
    f.finish([
      f.set(k, m.i32.const(0)),
      f.whileLoop(
        () => m.i32.lt_u(f.get(k), f.get("n")),
        () => [m.i32.store8(0, 1, m.i32.add(f.get("dest"), f.get(k)), m.i32.load8_u(0, 1, m.i32.add(f.get("src"), f.get(k)))), f.set(k, m.i32.add(f.get(k), m.i32.const(1)))],
      ),
    ]);
  }

  /** `__cr_dirname_len(buf, len)`: length of the path's directory ("/" counts 1);
   *  `__cr_below_dir(t, tlen, d, dlen)`: t is d or lies below it. */
  private emitDirHelpers() {
    const m = this.m;
    const dn = new FnBuilder(m, "__cr_dirname_len", [["buf", i32], ["len", i32]], i32);
    const k = dn.local("k");
    dn.finish([
      dn.set(k, dn.get("len")),
      dn.whileLoop(
        () => m.i32.and(m.i32.gt_u(dn.get(k), m.i32.const(0)), m.i32.ne(m.i32.load8_u(0, 1, m.i32.add(dn.get("buf"), m.i32.sub(dn.get(k), m.i32.const(1)))), m.i32.const(47))),
        () => [dn.set(k, m.i32.sub(dn.get(k), m.i32.const(1)))],
      ),
      // k is one past the last "/": the directory is buf[0..k-1), or "/" itself
      m.return(m.if(m.i32.le_u(dn.get(k), m.i32.const(1)), m.i32.const(1), m.i32.sub(dn.get(k), m.i32.const(1)))),
    ]);
    const b = new FnBuilder(m, "__cr_below_dir", [["t", i32], ["tlen", i32], ["d", i32], ["dlen", i32]], i32);
    const j = b.local("j");
    b.finish([
      m.if(m.i32.lt_u(b.get("tlen"), b.get("dlen")), m.return(m.i32.const(0))),
      b.set(j, m.i32.const(0)),
      b.whileLoop(
        () => m.i32.lt_u(b.get(j), b.get("dlen")),
        () => [
          m.if(m.i32.ne(m.i32.load8_u(0, 1, m.i32.add(b.get("t"), b.get(j))), m.i32.load8_u(0, 1, m.i32.add(b.get("d"), b.get(j)))), m.return(m.i32.const(0))),
          b.set(j, m.i32.add(b.get(j), m.i32.const(1))),
        ],
      ),
      m.if(m.i32.or(m.i32.eq(b.get("dlen"), m.i32.const(1)), m.i32.eq(b.get("tlen"), b.get("dlen"))), m.return(m.i32.const(1))),
      m.return(m.i32.eq(m.i32.load8_u(0, 1, m.i32.add(b.get("t"), b.get("dlen"))), m.i32.const(47))),
    ]);
  }

  /** `__cr_follow(buf, len, out) -> len | -1`: the first component of the guest path
   *  (buf, len) that is a symlink replaced by its target (an absolute one mapped back to
   *  the guest's name; a relative one, which never has "..", joined to the link's
   *  directory), in out; -1 when there is none. The SDK follows no absolute target when
   *  opening, nor a relative link to one. Uses the second mapped area for the text. */
  private emitFollow() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_follow", [["buf", i32], ["len", i32], ["out", i32]], i32);
    const [i, mlen, t, u, d, o, st] = [f.local("i"), f.local("mlen"), f.local("t"), f.local("u"), f.local("d"), f.local("o"), f.local("st")];
    const linkAt = (k: number) => m.i32.load8_u(k, 1, link());
    const s = () => m.global.get(G.scratch, i32);
    const link = () => m.i32.add(s(), m.i32.const(S.mapped2));
    const root = () => m.global.get(G.rootFd, i32);
    f.finish([
      m.if(m.i32.lt_s(root(), m.i32.const(0)), m.return(m.i32.const(-1))),
      f.set(i, m.i32.const(1)),
      f.whileLoop(
        () => m.i32.le_u(f.get(i), f.get("len")),
        (done) => [
          f.whileLoop(
            () => m.i32.and(m.i32.lt_u(f.get(i), f.get("len")), m.i32.ne(m.i32.load8_u(0, 1, m.i32.add(f.get("buf"), f.get(i))), m.i32.const(47))),
            () => [f.set(i, m.i32.add(f.get(i), m.i32.const(1)))],
          ),
          f.set(mlen, m.call("__cr_map_abs", [f.get("buf"), f.get(i), f.get("out")], i32)),
          m.if(
            m.i32.and(
              m.i32.eqz(m.call(raw("path_readlink"), [root(), m.i32.add(f.get("out"), m.i32.const(1)), m.i32.sub(f.get(mlen), m.i32.const(1)), link(), m.i32.const(PATH_MAX), m.i32.add(s(), m.i32.const(S.u64))], i32)),
              m.i32.gt_u(m.i32.load(S.u64, 4, s()), m.i32.const(0)),
            ),
            m.block(null, [
              f.set(t, m.i32.load(S.u64, 4, s())),
              m.if(m.i32.gt_u(m.i32.add(m.i32.add(f.get(t), f.get(i)), m.i32.sub(f.get("len"), f.get(i))), m.i32.const(PATH_MAX - 1)), m.return(m.i32.const(-1))),
              m.if(
                m.i32.eq(linkAt(0), m.i32.const(47)),
                m.block(null, [
                  f.set(u, m.call("__cr_unmap_abs", [link(), f.get(t), f.get("out")], i32)),
                  m.call("__cr_copy", [m.i32.add(f.get("out"), f.get(u)), m.i32.add(f.get("buf"), f.get(i)), m.i32.sub(f.get("len"), f.get(i))], none),
                  m.return(m.i32.add(f.get(u), m.i32.sub(f.get("len"), f.get(i)))),
                ]),
              ),
              // relative: the link's directory, "/", the target (without a "./"), the rest
              f.set(d, m.call("__cr_dirname_len", [f.get("buf"), f.get(i)], i32)),
              m.call("__cr_copy", [f.get("out"), f.get("buf"), f.get(d)], none),
              f.set(o, m.if(m.i32.eq(f.get(d), m.i32.const(1)), m.i32.const(0), f.get(d))),
              f.set(st, m.if(m.i32.and(m.i32.ge_u(f.get(t), m.i32.const(2)), m.i32.and(m.i32.eq(linkAt(0), m.i32.const(46)), m.i32.eq(linkAt(1), m.i32.const(47)))), m.i32.const(2), m.i32.const(0))),
              m.if(
                m.i32.gt_u(f.get(t), f.get(st)),
                m.block(null, [
                  m.i32.store8(0, 1, m.i32.add(f.get("out"), f.get(o)), m.i32.const(47)),
                  m.call("__cr_copy", [m.i32.add(m.i32.add(f.get("out"), f.get(o)), m.i32.const(1)), m.i32.add(link(), f.get(st)), m.i32.sub(f.get(t), f.get(st))], none),
                  f.set(o, m.i32.add(f.get(o), m.i32.add(m.i32.const(1), m.i32.sub(f.get(t), f.get(st))))),
                ]),
              ),
              m.call("__cr_copy", [m.i32.add(f.get("out"), f.get(o)), m.i32.add(f.get("buf"), f.get(i)), m.i32.sub(f.get("len"), f.get(i))], none),
              f.set(o, m.i32.add(f.get(o), m.i32.sub(f.get("len"), f.get(i)))),
              m.if(m.i32.eqz(f.get(o)), m.block(null, [m.i32.store8(0, 1, f.get("out"), m.i32.const(47)), f.set(o, m.i32.const(1))])),
              m.return(f.get(o)),
            ]),
          ),
          m.br(done, m.i32.ge_u(f.get(i), f.get("len"))),
          f.set(i, m.i32.add(f.get(i), m.i32.const(1))),
        ],
      ),
      m.return(m.i32.const(-1)),
    ]);
  }

  /** Statements for a guard whose real call failed with ENOENT (in `err`): follow the
   *  guest path's absolute symlinks in the guard (at most 8), checking each new path
   *  against the policy like the first, and repeat the real call from the root
   *  preopen. `retry` makes the call from rp/rl (the relative path) on `dirfd`. */
  followLinks(f: FnBuilder, op: Operation, access: Expr, err: string, follow: Expr, retry: (dirfd: Expr, rp: Expr, rl: Expr) => Expr): Expr[] {
    const m = this.m;
    if (!this.linkFollowing) return [];
    const s = () => m.global.get(G.scratch, i32);
    const bufA = () => m.i32.add(s(), m.i32.const(S.pathA));
    const bufB = () => m.i32.add(s(), m.i32.const(S.pathB));
    const [hops, nn, rule] = [f.local("hops"), f.local("nn"), f.local("frule")];
    return [
      m.if(
        m.i32.and(m.i32.and(m.i32.eq(f.get(err), m.i32.const(ENOENT)), follow), m.i32.eqz(m.global.get(G.relMode, i32))),
        m.block(null, [
          f.set(hops, m.i32.const(0)),
          f.whileLoop(
            () => m.i32.and(m.i32.lt_u(f.get(hops), m.i32.const(8)), m.i32.eq(f.get(err), m.i32.const(ENOENT))),
            (done) => [
              f.set(hops, m.i32.add(f.get(hops), m.i32.const(1))),
              f.set(nn, m.call("__cr_follow", [bufA(), f.get("n"), bufB()], i32)),
              m.br(done, m.i32.lt_s(f.get(nn), m.i32.const(0))),
              m.call("__cr_copy", [bufA(), bufB(), f.get(nn)], none),
              f.set("n", f.get(nn)),
              f.set(rule, m.call("__cr_policy", [bufA(), f.get("n"), access], i32)),
              m.if(f.get(rule), m.return(this.deny(op, f.get(rule), bufA(), f.get("n")))),
              m.global.set(G.prefixLen, m.i32.const(1)),
              m.global.set(G.relPtr, m.i32.add(bufA(), m.i32.const(1))),
              m.global.set(G.relLen, m.i32.sub(f.get("n"), m.i32.const(1))),
              ...(this.cfg.mounts?.length || this.cfg.devices?.length ? [m.call("__cr_map", [bufA(), f.get("n"), m.i32.add(s(), m.i32.const(S.mapped))], none)] : []),
              f.set(err, retry(m.global.get(G.rootFd, i32), m.global.get(G.relPtr, i32), m.global.get(G.relLen, i32))),
            ],
          ),
        ]),
      ),
    ];
  }

  /** `__cr_map_abs(buf, len, dest) -> len'` and `__cr_unmap_abs(...)`: an absolute
   *  guest path rewritten into dest as the SDK path it is stored at (a symlink's target,
   *  which the SDK resolves in its own namespace), and back (readlink). Only directory
   *  mounts map back: a device alias is a second name, not the stored one. */
  private emitMapAbsolute() {
    const m = this.m;
    const emit = (name: string, pairs: [string, string][]) => {
      const f = new FnBuilder(m, name, [["buf", i32], ["len", i32], ["dest", i32]], i32);
      const copyTo = (at: number, from: Expr, n: Expr) => m.call("__cr_copy", [m.i32.add(f.get("dest"), m.i32.const(at)), from, n], none);
      const body: Expr[] = [];
      for (const [from, to] of pairs) {
        const a = enc(from);
        const b = enc(to);
        body.push(
          m.if(
            this.within(f, from),
            m.block(null, [
              ...storeBytes(m, () => f.get("dest"), b),
              copyTo(b.length, m.i32.add(f.get("buf"), m.i32.const(a.length)), m.i32.sub(f.get("len"), m.i32.const(a.length))),
              m.return(m.i32.add(m.i32.const(b.length - a.length), f.get("len"))),
            ]),
          ),
        );
      }
      body.push(copyTo(0, f.get("buf"), f.get("len")), m.return(f.get("len")));
      f.finish(body);
    };
    const mounts = this.cfg.mounts ?? [];
    // longest first, so a nested mount wins over its parent
    const byLength = (xs: [string, string][]) => xs.sort((x, y) => y[0].length - x[0].length);
    emit("__cr_map_abs", byLength([...mounts, ...(this.cfg.devices ?? [])].map((x) => [x.guest, x.backing])));
    emit("__cr_unmap_abs", byLength(mounts.map((x) => [x.backing, x.guest])));
  }

  /** Names at the top of the guest's root: what the SDK image has, the FHS names, and
   *  the first component of every grant. A relative path starting with one of them is
   *  taken as absolute by the startInWorkdir rule (wasi-libc strips the "/" of an
   *  absolute path before it picks a preopen, so both arrive alike). */
  rootNames(): string[] {
    const image = [".app", ".private", "bin", "dev", "etc", "tmp", "usr", "workspace"];
    const fhs = ["boot", "home", "lib", "lib32", "lib64", "libx32", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys", "var"];
    const granted = [...this.cfg.readOnly, ...this.cfg.readWrite, this.cfg.workdir].map((p) => p.split("/").filter(Boolean)[0]).filter((x): x is string => !!x);
    return [...new Set([...image, ...fhs, ...granted])].sort();
  }

  /** `__cr_root_name(ptr, len) -> 1|0`: the path's first component is a root name. */
  private emitRootName() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_root_name", [["ptr", i32], ["len", i32]], i32);
    const c = f.local("c");
    const body: Expr[] = [
      f.set(c, m.i32.const(0)),
      f.whileLoop(
        () => m.i32.and(m.i32.lt_u(f.get(c), f.get("len")), m.i32.ne(m.i32.load8_u(0, 1, m.i32.add(f.get("ptr"), f.get(c))), m.i32.const(47))),
        () => [f.set(c, m.i32.add(f.get(c), m.i32.const(1)))],
      ),
    ];
    for (const name of this.rootNames()) {
      const b = enc(name);
      body.push(m.if(m.i32.and(m.i32.eq(f.get(c), m.i32.const(b.length)), bytesEqual(m, () => f.get("ptr"), b)), m.return(m.i32.const(1))));
    }
    body.push(m.return(m.i32.const(0)));
    f.finish(body);
  }

  /** i32: f's (buf, len) is `root` or lies below it. */
  within(f: FnBuilder, root: string): Expr {
    const m = this.m;
    const buf = () => f.get("buf");
    const len = () => f.get("len");
    if (root === "/") return m.i32.const(1);
    const r = enc(root);
    return m.i32.and(
      m.i32.or(
        m.i32.eq(len(), m.i32.const(r.length)),
        m.i32.and(
          m.i32.gt_u(len(), m.i32.const(r.length)),
          this.mutation === "grant-prefix" ? m.i32.const(1) : m.i32.eq(m.i32.load8_u(r.length, 1, buf()), m.i32.const(47)),
        ),
      ),
      bytesEqual(m, buf, r),
    );
  }

  /** `__cr_scratch() -> base`, or 0 when the stack is too low to carve scratch from
   *  without reaching the guest's static data (the floor). */
  private emitScratch() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_scratch_base", [], i32);
    const sp = () => m.global.get(this.stackPointer, i32);
    f.finish([
      m.if(m.i32.lt_u(sp(), m.i32.add(m.global.get(this.stackFloor, i32), m.i32.const(SCRATCH_BELOW_SP))), m.return(m.i32.const(0))),
      m.return(m.i32.and(m.i32.sub(sp(), m.i32.const(SCRATCH_BELOW_SP)), m.i32.const(~15))),
    ]);
  }

  /** `__cr_in_bounds(ptr, len) -> 1|0`: the guest range lies inside linear memory
   *  (guest pointers are hostile; an out-of-range read would trap the guard). */
  private emitInBounds() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_in_bounds", [["ptr", i32], ["len", i32]], i32);
    const u64 = (e: Expr) => m.i64.extend_u(e);
    f.finish([
      m.return(m.i64.le_u(m.i64.add(u64(f.get("ptr")), u64(f.get("len"))), m.i64.shl(u64(m.memory.size()), m.i64.const(16, 0)))),
    ]);
  }

  /** `__cr_norm(out, o, src, n) -> o'`: appends src's components to the absolute path
   *  out[0..o), resolving "." and ".." lexically; -1 when the result would not fit. */
  private emitNormalise() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_norm", [["out", i32], ["o", i32], ["src", i32], ["n", i32]], i32);
    const [i, start, clen, k] = [f.local("i"), f.local("start"), f.local("clen"), f.local("k")];
    const srcAt = (idx: Expr) => m.i32.load8_u(0, 1, m.i32.add(f.get("src"), idx));
    const outAt = (idx: Expr) => m.i32.load8_u(0, 1, m.i32.add(f.get("out"), idx));
    const SLASH = 47;
    const DOT = 46;
    const cont = f.label("next");
    f.finish([
      f.set(i, m.i32.const(0)),
      f.whileLoop(
        () => m.i32.const(1),
        (done) => [
          m.block(cont, [
            // skip separators
            f.whileLoop(
              () => m.i32.and(m.i32.lt_u(f.get(i), f.get("n")), m.i32.eq(srcAt(f.get(i)), m.i32.const(SLASH))),
              () => [f.set(i, m.i32.add(f.get(i), m.i32.const(1)))],
            ),
            m.br(done, m.i32.ge_u(f.get(i), f.get("n"))),
            f.set(start, f.get(i)),
            f.whileLoop(
              () => m.i32.and(m.i32.lt_u(f.get(i), f.get("n")), m.i32.ne(srcAt(f.get(i)), m.i32.const(SLASH))),
              () => [f.set(i, m.i32.add(f.get(i), m.i32.const(1)))],
            ),
            f.set(clen, m.i32.sub(f.get(i), f.get(start))),
            // "."
            m.br(cont, m.i32.and(m.i32.eq(f.get(clen), m.i32.const(1)), m.i32.eq(srcAt(f.get(start)), m.i32.const(DOT)))),
            // ".."
            m.if(
              m.i32.and(
                m.i32.eq(f.get(clen), m.i32.const(2)),
                m.i32.and(
                  m.i32.eq(srcAt(f.get(start)), m.i32.const(DOT)),
                  m.i32.eq(srcAt(m.i32.add(f.get(start), m.i32.const(1))), m.i32.const(DOT)),
                ),
              ),
              m.block(null, [
                m.global.set(G.sawDotDot, m.i32.const(1)),
                ...(this.mutation === "dotdot-shallow" ? [m.br(cont)] : []),
                f.whileLoop(
                  () => m.i32.and(m.i32.gt_u(f.get("o"), m.i32.const(1)), m.i32.ne(outAt(m.i32.sub(f.get("o"), m.i32.const(1))), m.i32.const(SLASH))),
                  () => [f.set("o", m.i32.sub(f.get("o"), m.i32.const(1)))],
                ),
                m.if(m.i32.gt_u(f.get("o"), m.i32.const(1)), f.set("o", m.i32.sub(f.get("o"), m.i32.const(1)))),
                m.if(m.i32.lt_u(f.get("o"), m.global.get(G.minLen, i32)), m.global.set(G.minLen, f.get("o"))),
                m.br(cont),
              ]),
            ),
            // a name: append "/name"
            m.if(m.i32.gt_u(m.i32.add(m.i32.add(f.get("o"), f.get(clen)), m.i32.const(1)), m.i32.const(PATH_MAX)), m.return(m.i32.const(-1))),
            m.if(
              m.i32.gt_u(f.get("o"), m.i32.const(1)),
              m.block(null, [
                m.i32.store8(0, 1, m.i32.add(f.get("out"), f.get("o")), m.i32.const(SLASH)),
                f.set("o", m.i32.add(f.get("o"), m.i32.const(1))),
              ]),
            ),
            f.set(k, m.i32.const(0)),
            f.whileLoop(
              () => m.i32.lt_u(f.get(k), f.get(clen)),
              () => [
                m.i32.store8(0, 1, m.i32.add(m.i32.add(f.get("out"), f.get("o")), f.get(k)), srcAt(m.i32.add(f.get(start), f.get(k)))),
                f.set(k, m.i32.add(f.get(k), m.i32.const(1))),
              ],
            ),
            f.set("o", m.i32.add(f.get("o"), f.get(clen))),
          ]),
        ],
      ),
      m.return(f.get("o")),
    ]);
  }

  /** `__cr_resolve(fd, ptr, len, out) -> len | -errno | -(1000+rule)`: the absolute,
   *  normalised path of (fd, path) in out; sets relPtr/relLen to the same path
   *  relative to fd's preopen, for the real call. */
  private emitResolve() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_resolve", [["fd", i32], ["ptr", i32], ["len", i32], ["out", i32]], i32);
    const s = () => m.global.get(G.scratch, i32);
    const [nameLen, o, base] = [f.local("nameLen"), f.local("o"), f.local("base")];
    const wd = enc(this.cfg.workdir);
    const rawCall = (name: string, args: Expr[]) => m.call(raw(name), args, i32);
    const nameAt = (k: number) => m.i32.load8_u(S.name + k, 1, s());
    f.finish([
      m.if(m.i32.gt_u(f.get("len"), m.i32.const(PATH_MAX)), m.return(m.i32.const(-Errno.NAMETOOLONG))),
      m.if(m.i32.eqz(m.call("__cr_in_bounds", [f.get("ptr"), f.get("len")], i32)), m.return(m.i32.const(-Errno.FAULT))),
      m.global.set(G.relMode, m.i32.const(0)),
      m.global.set(G.realFd, f.get("fd")),
      m.if(
        m.i32.eqz(m.call("__cr_is_preopen", [f.get("fd")], i32)),
        m.block(null, [
          m.if(m.call("__cr_fd_tracked", [f.get("fd")], i32), m.return(m.call("__cr_resolve_tracked", [f.get("ptr"), f.get("len"), f.get("out")], i32))),
          m.if(m.i32.ne(rawCall("fd_fdstat_get", [f.get("fd"), m.i32.add(s(), m.i32.const(S.fdstat))]), m.i32.const(0)), m.return(m.i32.const(-Errno.BADF))),
          m.return(m.i32.const(-(1000 + Rule.NOT_PREOPEN))),
        ]),
      ),
      // The preopen's name: "/" and "." are known from __cr_init; others are asked for.
      m.if(
        m.i32.and(m.global.get(G.rootPreopens, i32), m.i32.shl(m.i32.const(1), f.get("fd"))),
        m.block(null, [f.set(nameLen, m.i32.const(1)), m.i32.store8(S.name, 1, s(), m.i32.const(47))]),
        m.if(
          m.i32.and(m.global.get(G.dotPreopens, i32), m.i32.shl(m.i32.const(1), f.get("fd"))),
          m.block(null, [f.set(nameLen, m.i32.const(1)), m.i32.store8(S.name, 1, s(), m.i32.const(46))]),
          m.block(null, [
            m.drop(rawCall("fd_prestat_get", [f.get("fd"), m.i32.add(s(), m.i32.const(S.prestat))])),
            f.set(nameLen, m.i32.load(S.prestat + 4, 4, s())),
            m.if(m.i32.gt_u(f.get(nameLen), m.i32.const(250)), m.return(m.i32.const(-(1000 + Rule.NOT_PREOPEN)))),
            m.drop(rawCall("fd_prestat_dir_name", [f.get("fd"), m.i32.add(s(), m.i32.const(S.name)), f.get(nameLen)])),
          ]),
        ),
      ),
      ...storeBytes(m, s, wd, S.name + 256),
      m.i32.store8(0, 1, f.get("out"), m.i32.const(47)),
      f.set(o, m.i32.const(1)),
      f.set(base, m.i32.add(s(), m.i32.const(S.name))),
      // A preopen named "." (or anything relative) stands for the workdir.
      m.if(
        m.i32.or(m.i32.eqz(f.get(nameLen)), m.i32.ne(nameAt(0), m.i32.const(47))),
        m.block(null, [
          m.if(m.i32.and(m.i32.eq(f.get(nameLen), m.i32.const(1)), m.i32.eq(nameAt(0), m.i32.const(46))), f.set(nameLen, m.i32.const(0))),
          f.set(o, m.call("__cr_norm", [f.get("out"), m.i32.const(1), m.i32.add(s(), m.i32.const(S.name + 256)), m.i32.const(wd.length)], i32)),
        ]),
      ),
      f.set(o, m.call("__cr_norm", [f.get("out"), f.get(o), f.get(base), f.get(nameLen)], i32)),
      m.if(m.i32.lt_s(f.get(o), m.i32.const(0)), m.return(m.i32.const(-Errno.NAMETOOLONG))),
      m.global.set(G.prefixLen, f.get(o)),
      m.global.set(G.minLen, f.get(o)),
      m.global.set(G.sawDotDot, m.i32.const(0)),
      ...this.startInWorkdir(f, o),
      f.set(o, m.call("__cr_norm", [f.get("out"), f.get(o), f.get("ptr"), f.get("len")], i32)),
      m.if(m.i32.lt_s(f.get(o), m.i32.const(0)), m.return(m.i32.const(-Errno.NAMETOOLONG))),
      // ".." above a preopen other than "/" leaves it: the real call could not express it.
      m.if(
        m.i32.and(m.i32.gt_u(m.global.get(G.prefixLen, i32), m.i32.const(1)), m.i32.lt_u(m.global.get(G.minLen, i32), m.global.get(G.prefixLen, i32))),
        m.return(m.i32.const(-(1000 + Rule.ESCAPES_PREOPEN))),
      ),
      // relative form for the real call: strip the prefix and its separator
      m.if(
        m.i32.eq(m.global.get(G.prefixLen, i32), m.i32.const(1)),
        m.global.set(G.relPtr, m.i32.add(f.get("out"), m.i32.const(1))),
        m.global.set(G.relPtr, m.i32.add(f.get("out"), m.i32.add(m.global.get(G.prefixLen, i32), m.i32.const(1)))),
      ),
      m.global.set(G.relLen, m.i32.sub(m.i32.add(f.get("out"), f.get(o)), m.global.get(G.relPtr, i32))),
      ...this.emptyRelIsDot(f, o),
      m.return(f.get(o)),
    ]);
  }

  /** Foreign modules start in the workdir. wasi-libc makes a relative path absolute
   *  against its own cwd "/" (or, without chdir, treats it as absolute), strips the "/"
   *  and sends it to the last preopen named "/" or ".": "data.txt" and "/data.txt"
   *  arrive alike. On that preopen a path whose first component is not a root name
   *  is resolved in the workdir (the "/" preopen stays the real call's base, so ".."
   *  climbs out of the workdir as it would from a cwd of /workspace). */
  private startInWorkdir(f: FnBuilder, o: string): Expr[] {
    if (!this.cfg.startInWorkdir) return [];
    const m = this.m;
    const s = () => m.global.get(G.scratch, i32);
    // emitResolve left the workdir at name+256 (256 bytes); a start directory replaces it
    const start = this.cfg.startDir;
    const wd = enc(start ?? this.cfg.workdir);
    if (wd.length > MAX_START_DIR) throw new Error(`start directory longer than ${MAX_START_DIR} bytes`);
    const relative = m.i32.or(m.i32.eqz(f.get("len")), m.i32.ne(m.i32.load8_u(0, 1, f.get("ptr")), m.i32.const(47)));
    const join = f.set(o, m.call("__cr_norm", [f.get("out"), f.get(o), m.i32.add(s(), m.i32.const(S.name + 256)), m.i32.const(wd.length)], i32));
    return [
      m.if(
        m.i32.and(
          m.i32.and(m.i32.eq(f.get("fd"), m.global.get(G.cwdFd, i32)), m.i32.eq(m.global.get(G.prefixLen, i32), m.i32.const(1))),
          m.i32.and(relative, m.i32.eqz(m.call("__cr_root_name", [f.get("ptr"), f.get("len")], i32))),
        ),
        start ? m.block(null, [...storeBytes(m, s, wd, S.name + 256), join]) : join,
      ),
    ];
  }

  /** An empty relative path means the directory itself: "." (stored after the path). */
  private emptyRelIsDot(f: FnBuilder, o: string): Expr[] {
    const m = this.m;
    const after = () => m.i32.add(f.get("out"), m.i32.add(f.get(o), m.i32.const(1)));
    return [
      m.if(
        m.i32.le_s(m.global.get(G.relLen, i32), m.i32.const(0)),
        m.block(null, [m.i32.store8(0, 1, after(), m.i32.const(46)), m.global.set(G.relPtr, after()), m.global.set(G.relLen, m.i32.const(1))]),
      ),
    ];
  }

  /** `__cr_resolve_tracked(ptr, len, out)`: like __cr_resolve for a descriptor the
   *  guard opened: the path, normalised, below the sentinel "/#"; ".." above it is an
   *  escape. Sets relMode = 1 so the guard checks the descriptor's bits instead. */
  private emitResolveTracked() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_resolve_tracked", [["ptr", i32], ["len", i32], ["out", i32]], i32);
    const o = f.local("o");
    const sentinel = enc(DIRFD_SENTINEL);
    f.finish([
      ...storeBytes(m, () => f.get("out"), sentinel),
      m.global.set(G.prefixLen, m.i32.const(sentinel.length)),
      m.global.set(G.minLen, m.i32.const(sentinel.length)),
      m.global.set(G.relMode, m.i32.const(1)),
      f.set(o, m.call("__cr_norm", [f.get("out"), m.i32.const(sentinel.length), f.get("ptr"), f.get("len")], i32)),
      m.if(m.i32.lt_s(f.get(o), m.i32.const(0)), m.return(m.i32.const(-Errno.NAMETOOLONG))),
      m.if(m.i32.lt_u(m.global.get(G.minLen, i32), m.i32.const(sentinel.length)), m.return(m.i32.const(-(1000 + Rule.ESCAPES_PREOPEN)))),
      m.global.set(G.relPtr, m.i32.add(f.get("out"), m.i32.const(sentinel.length + 1))),
      m.global.set(G.relLen, m.i32.sub(f.get(o), m.i32.const(sentinel.length + 1))),
      ...this.emptyRelIsDot(f, o),
      m.return(f.get(o)),
    ]);
  }

  /** `__cr_policy(buf, len, access) -> 0 | rule`: the policy, compiled to comparisons. */
  private emitPolicy() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_policy", [["buf", i32], ["len", i32], ["access", i32]], i32);
    const buf = () => f.get("buf");
    const len = () => f.get("len");
    const within = (root: string) => this.within(f, root);
    // buf is a strict ancestor of root (so `stat` may traverse towards a grant)
    const ancestorOf = (root: string): Expr[] => {
      const checks: Expr[] = [];
      for (let k = 1; k < root.length; k++) {
        if (root[k] !== "/") continue;
        const p = enc(root.slice(0, k));
        checks.push(m.i32.and(m.i32.eq(len(), m.i32.const(p.length)), bytesEqual(m, buf, p)));
      }
      checks.push(m.i32.eq(len(), m.i32.const(1)));
      return checks;
    };
    const ret = (v: number) => m.return(m.i32.const(v));
    const body: Expr[] = [this.reservedCheck(f)];
    const access = () => f.get("access");
    const writes = () => m.i32.or(m.i32.eq(access(), m.i32.const(ACCESS_WRITE)), m.i32.ge_u(access(), m.i32.const(ACCESS_REMOVE)));
    // The workdir and mount points are engine structure (the audit file, the backing
    // directories): they may not be removed, renamed away or replaced (as Linux answers
    // EBUSY for a mount point).
    const removesOrReplaces = () => m.i32.ge_u(access(), m.i32.const(ACCESS_REMOVE));
    for (const fixed of new Set([this.cfg.workdir, ...[...(this.cfg.mounts ?? []), ...(this.cfg.devices ?? [])].map((x) => x.guest)])) {
      const b = enc(fixed);
      body.push(m.if(m.i32.and(removesOrReplaces(), m.i32.and(m.i32.eq(len(), m.i32.const(b.length)), bytesEqual(m, buf, b))), ret(Rule.RESERVED)));
    }
    for (const g of this.cfg.readWrite) body.push(m.if(within(g), ret(0)));
    for (const g of this.cfg.readOnly) {
      body.push(m.if(within(g), m.if(writes(), ret(Rule.READ_ONLY), ret(0))));
    }
    // /dev and /dev/fd hold only the standard devices: they may be listed when a device
    // in them is granted (`ls /dev`), without granting the others.
    for (const dir of this.listingOnlyDirs()) {
      const b = enc(dir);
      body.push(m.if(m.i32.and(m.i32.eq(access(), m.i32.const(ACCESS_READ)), m.i32.and(m.i32.eq(len(), m.i32.const(b.length)), bytesEqual(m, buf, b))), ret(0)));
      // and each entry in them may be stat'ed (ls does)
      body.push(
        m.if(
          m.i32.and(m.i32.eq(access(), m.i32.const(ACCESS_STAT)), m.i32.and(m.i32.eq(m.call("__cr_dirname_len", [buf(), len()], i32), m.i32.const(b.length)), bytesEqual(m, buf, b))),
          ret(0),
        ),
      );
    }
    const ancestors = [...this.cfg.readWrite, ...this.cfg.readOnly].flatMap(ancestorOf);
    if (ancestors.length) {
      body.push(m.if(m.i32.and(m.i32.eq(f.get("access"), m.i32.const(ACCESS_STAT)), ancestors.reduce((a, b) => m.i32.or(a, b))), ret(0)));
    }
    body.push(ret(Rule.NOT_GRANTED));
    f.finish(body);
  }

  /** Device directories readable only as a listing: a grant lies below, none above. */
  listingOnlyDirs(): string[] {
    const grants = [...this.cfg.readOnly, ...this.cfg.readWrite];
    return DEVICE_DIRS.filter((d) => grants.some((g) => g.startsWith(d + "/")) && !grants.some((g) => d === g || d.startsWith(g + "/")));
  }

  /** `__cr_listing_only(buf, len) -> 1|0`: (buf, len) is one of listingOnlyDirs. */
  private emitListingOnly() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_listing_only", [["buf", i32], ["len", i32]], i32);
    const body: Expr[] = [];
    for (const dir of this.listingOnlyDirs()) {
      const b = enc(dir);
      body.push(m.if(m.i32.and(m.i32.eq(f.get("len"), m.i32.const(b.length)), bytesEqual(m, () => f.get("buf"), b)), m.return(m.i32.const(1))));
    }
    body.push(m.return(m.i32.const(0)));
    f.finish(body);
  }

  /** Any component named like the audit file is reserved, wherever it appears: a
   *  symlink or hard link could otherwise alias the file under another directory. */
  private reservedCheck(f: FnBuilder): Expr {
    const m = this.m;
    const name = enc(AUDIT_FILE_NAME);
    const k = f.local("k");
    const at = () => m.i32.add(f.get("buf"), f.get(k));
    // for each "/" at k: component k+1..; reserved if it is the name and ends there
    return m.block(null, [
      f.set(k, m.i32.const(0)),
      f.whileLoop(
        () => m.i32.le_u(m.i32.add(f.get(k), m.i32.const(name.length + 1)), f.get("len")),
        () => [
          m.if(
            m.i32.and(
              m.i32.and(m.i32.eq(m.i32.load8_u(0, 1, at()), m.i32.const(47)), bytesEqual(m, at, name, 1)),
              m.i32.or(
                m.i32.eq(m.i32.add(f.get(k), m.i32.const(name.length + 1)), f.get("len")),
                m.i32.eq(m.i32.load8_u(name.length + 1, 1, at()), m.i32.const(47)),
              ),
            ),
            m.return(m.i32.const(Rule.RESERVED)),
          ),
          f.set(k, m.i32.add(f.get(k), m.i32.const(1))),
        ],
      ),
    ]);
  }

  /** `__cr_init()`, run by the `_start` wrapper before any guest code: records which
   *  fds (3..34) are preopens in a global the guest cannot reach. wasmer answers
   *  fd_prestat_get successfully even for stdio, so the set must be taken up front,
   *  before the guest can open anything; a preopen is a dir whose name can be read. */
  private emitPreopenSet() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_init", [], none);
    const fd = f.local("fd");
    const s = () => m.global.get(G.scratch, i32);
    const at = (off: number) => m.i32.add(s(), m.i32.const(off));
    f.finish([
      m.global.set(G.scratch, m.call("__cr_scratch_base", [], i32)),
      m.if(m.i32.eqz(s()), m.unreachable()),
      f.set(fd, m.i32.const(3)),
      f.whileLoop(
        () => m.i32.lt_u(f.get(fd), m.i32.const(35)),
        (done) => [
          // Preopens are numbered contiguously from 3 (wasi-libc scans them the same way).
          m.br(done, m.call(raw("fd_prestat_get"), [f.get(fd), at(S.prestat)], i32)),
          m.if(
            m.i32.and(
              m.i32.eqz(m.i32.load8_u(S.prestat, 1, s())),
              m.i32.and(
                m.i32.le_u(m.i32.load(S.prestat + 4, 4, s()), m.i32.const(250)),
                m.i32.eqz(m.call(raw("fd_prestat_dir_name"), [f.get(fd), at(S.name), m.i32.load(S.prestat + 4, 4, s())], i32)),
              ),
            ),
            m.block(null, [
              m.global.set(G.preopens, m.i32.or(m.global.get(G.preopens, i32), m.i32.shl(m.i32.const(1), f.get(fd)))),
              // Remember "/" and "." preopens, so guards need no host call to name them.
              m.if(
                m.i32.eq(m.i32.load(S.prestat + 4, 4, s()), m.i32.const(1)),
                m.block(null, [
                  m.if(m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(47)), m.global.set(G.rootPreopens, m.i32.or(m.global.get(G.rootPreopens, i32), m.i32.shl(m.i32.const(1), f.get(fd))))),
                  m.if(m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(46)), m.global.set(G.dotPreopens, m.i32.or(m.global.get(G.dotPreopens, i32), m.i32.shl(m.i32.const(1), f.get(fd))))),
                  // the last "/" or "." preopen is the one wasi-libc resolves every path against
                  m.if(
                    m.i32.or(m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(47)), m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(46))),
                    m.global.set(G.cwdFd, f.get(fd)),
                  ),
                ]),
              ),
              // the first preopen named "/" is where the audit file is written from
              m.if(
                m.i32.and(
                  m.i32.lt_s(m.global.get(G.rootFd, i32), m.i32.const(0)),
                  m.i32.and(m.i32.eq(m.i32.load(S.prestat + 4, 4, s()), m.i32.const(1)), m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(47))),
                ),
                m.global.set(G.rootFd, f.get(fd)),
              ),
            ]),
          ),
          f.set(fd, m.i32.add(f.get(fd), m.i32.const(1))),
        ],
      ),
    ]);
    const q = new FnBuilder(m, "__cr_is_preopen", [["fd", i32]], i32);
    q.finish([
      m.return(
        m.i32.and(
          m.i32.and(m.i32.ge_u(q.get("fd"), m.i32.const(3)), m.i32.lt_u(q.get("fd"), m.i32.const(35))),
          m.i32.ne(m.i32.and(m.global.get(G.preopens, i32), m.i32.shl(m.i32.const(1), q.get("fd"))), m.i32.const(0)),
        ),
      ),
    ]);
  }

  /** The audit file's dirfd: the root preopen found by __cr_init. */
  private emitRootFd() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_find_root", [], i32);
    f.finish([m.return(m.global.get(G.rootFd, i32))]);
  }

  /** Wraps the `_start` export so __cr_init runs before any guest code. */
  wrapStart(startName: string): string {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_start", [], none);
    f.finish([m.call("__cr_init", [], none), m.call(startName, [], none)]);
    return "__cr_start";
  }

  /** `__cr_record(op, rule, buf, len)`: appends one record to the audit file with raw
   *  calls. If the record cannot be written the guest is trapped: never lose one. */
  private emitRecord() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_record", [["op", i32], ["rule", i32], ["buf", i32], ["len", i32]], none);
    const [root, fd] = [f.local("root"), f.local("fd")];
    const s = () => m.global.get(G.scratch, i32);
    const at = (off: number) => m.i32.add(s(), m.i32.const(off));
    const audit = enc(`${this.cfg.workdir.replace(/^\/+/, "")}/${AUDIT_FILE_NAME}`.replace(/^\//, ""));
    const check = (e: Expr) => m.if(m.i32.ne(e, m.i32.const(0)), m.unreachable());
    f.finish([
      f.set(root, m.call("__cr_find_root", [], i32)),
      m.if(m.i32.lt_s(f.get(root), m.i32.const(0)), m.unreachable()),
      ...storeBytes(m, s, audit, S.name),
      check(
        m.call(
          raw("path_open"),
          [f.get(root), m.i32.const(0), at(S.name), m.i32.const(audit.length), m.i32.const(1), m.i64.const(-1, -1), m.i64.const(0, 0), m.i32.const(0), at(S.u64)],
          i32,
        ),
      ),
      f.set(fd, m.i32.load(0, 4, at(S.u64))),
      check(m.call(raw("fd_seek"), [f.get(fd), m.i64.const(0, 0), m.i32.const(2), at(S.u64)], i32)),
      m.i32.store8(0, 1, at(S.header), f.get("op")),
      m.i32.store8(1, 1, at(S.header), f.get("rule")),
      m.i32.store16(2, 1, at(S.header), f.get("len")),
      m.i32.store(0, 4, at(S.iovecs), at(S.header)),
      m.i32.store(4, 4, at(S.iovecs), m.i32.const(4)),
      m.i32.store(8, 4, at(S.iovecs), f.get("buf")),
      m.i32.store(12, 4, at(S.iovecs), f.get("len")),
      check(m.call(raw("fd_write"), [f.get(fd), at(S.iovecs), m.i32.const(2), at(S.u64)], i32)),
      m.drop(m.call(raw("fd_close"), [f.get(fd)], i32)),
    ]);
  }

  /** `__cr_deny(op, rule, buf, len) -> errno`: record, then deny or trap per policy. */
  private emitDeny() {
    const m = this.m;
    const f = new FnBuilder(m, "__cr_deny", [["op", i32], ["rule", i32], ["buf", i32], ["len", i32], ["errno", i32]], i32);
    f.finish([
      m.call("__cr_record", [f.get("op"), f.get("rule"), f.get("buf"), f.get("len")], none),
      this.cfg.onViolation === "trap" ? m.unreachable() : m.nop(),
      m.return(f.get("errno")),
    ]);
  }

  // ---- guards -------------------------------------------------------------------

  /** Whether `name` gets a guard under this configuration. */
  guards(name: string): boolean {
    return name in GUARDS && !(name.startsWith("sock_") && !this.cfg.networkDisabled);
  }

  /** Off while emitting the `guardlite_` variants: guards that follow no link in the
   *  guard, for a module that does not import path_readlink (it would be one more
   *  import, which costs the SDK work on every run). */
  linkFollowing = true;

  /** Emits the guard for `name` as the function `internalName` (`guard_<name>`). */
  emitGuard(name: string, internalName: string, params: number[]): boolean {
    const spec = GUARDS[name];
    if (!spec) return false;
    if (name.startsWith("sock_") && !this.cfg.networkDisabled) return false;
    const m = this.m;
    const f = new FnBuilder(m, internalName, params.map((t, k) => [`p${k}`, t] as [string, number]), i32);
    f.finish(spec(this, f));
    return true;
  }

  /** Statements shared by every path guard: set up scratch, resolve (fd, path) into
   *  `out`, check `access`; leaves the relative path in locals rp/rl. */
  resolveAndCheck(f: FnBuilder, op: Operation, fdArg: number, ptrArg: number, lenArg: number, out: number, access: Expr, suffix: string): Expr[] {
    const m = this.m;
    const [fd, ptr, len] = [() => p(f, fdArg), () => p(f, ptrArg), () => p(f, lenArg)];
    const [n, rule, rp, rl, rd] = [f.local(`n${suffix}`), f.local(`rule${suffix}`), f.local(`rp${suffix}`), f.local(`rl${suffix}`), f.local(`rd${suffix}`)];
    const buf = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(out));
    return [
      f.set(n, m.call("__cr_resolve", [fd(), ptr(), len(), buf()], i32)),
      m.if(m.i32.le_s(f.get(n), m.i32.const(-1000)), m.return(this.deny(op, m.i32.sub(m.i32.const(-1000), f.get(n)), ptr(), len()))),
      m.if(m.i32.lt_s(f.get(n), m.i32.const(0)), m.return(m.i32.sub(m.i32.const(0), f.get(n)))),
      f.set(rp, m.global.get(G.relPtr, i32)),
      f.set(rl, m.global.get(G.relLen, i32)),
      f.set(
        rule,
        m.if(
          m.global.get(G.relMode, i32),
          m.call("__cr_fd_policy", [fd(), buf(), f.get(n), access], i32),
          m.call("__cr_policy", [buf(), f.get(n), access], i32),
        ),
      ),
      m.if(m.i32.ne(f.get(rule), m.i32.const(0)), m.return(this.deny(op, f.get(rule), buf(), f.get(n)))),
      ...(this.cfg.mounts?.length
        ? [
            m.global.set(G.relPtr, f.get(rp)),
            m.global.set(G.relLen, f.get(rl)),
            m.call("__cr_map", [buf(), f.get(n), m.i32.add(m.global.get(G.scratch, i32), m.i32.const(out === S.pathA ? S.mapped : S.mapped2))], none),
            f.set(rp, m.global.get(G.relPtr, i32)),
            f.set(rl, m.global.get(G.relLen, i32)),
          ]
        : []),
      // the descriptor the real call is made on (the root preopen for a mapped workdir path)
      f.set(rd, m.global.get(G.realFd, i32)),
    ];
  }

  setupScratch(): Expr {
    const m = this.m;
    return m.block(null, [
      m.global.set(G.scratch, m.call("__cr_scratch_base", [], i32)),
      m.if(m.i32.eqz(m.global.get(G.scratch, i32)), m.return(m.i32.const(Errno.NOMEM))),
    ]);
  }

  deny(op: Operation, rule: Expr, buf: Expr, len: Expr): Expr {
    return this.m.call("__cr_deny", [this.m.i32.const(opCode(op)), rule, buf, len, this.m.i32.const(Errno.ACCES)], i32);
  }

  denyNoPath(op: Operation, rule: number, errno: number): Expr {
    const m = this.m;
    return m.call("__cr_deny", [m.i32.const(opCode(op)), m.i32.const(rule), m.i32.const(0), m.i32.const(0), m.i32.const(errno)], i32);
  }

  callRaw(name: string, args: Expr[]): Expr {
    return this.m.call(raw(name), args, i32);
  }

  symlinkTargetCheck(f: FnBuilder, ptrArg: number, lenArg: number): Expr[] {
    const [ptr, len] = [() => p(f, ptrArg), () => p(f, lenArg)];
    // Targets may not contain ".." (resolution would leave the lexical view) and an
    // absolute target must lie in a read-write root; both also checked for reserved names.
    const m = this.m;
    const [n, rule] = [f.local("tn"), f.local("trule")];
    const bufB = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.pathB));
    const checked = this.mutation !== "symlink-unchecked";
    return [
      m.if(m.i32.or(m.i32.gt_u(len(), m.i32.const(PATH_MAX)), m.i32.eqz(m.call("__cr_in_bounds", [ptr(), len()], i32))), m.return(m.i32.const(Errno.FAULT))),
      m.i32.store8(0, 1, bufB(), m.i32.const(47)),
      m.global.set(G.sawDotDot, m.i32.const(0)),
      m.global.set(G.minLen, m.i32.const(1)),
      f.set(n, m.call("__cr_norm", [bufB(), m.i32.const(1), ptr(), len()], i32)),
      m.if(m.i32.lt_s(f.get(n), m.i32.const(0)), m.return(m.i32.const(Errno.NAMETOOLONG))),
      m.if(m.i32.and(m.i32.const(checked ? 1 : 0), m.global.get(G.sawDotDot, i32)), m.return(this.deny("symlink", m.i32.const(Rule.SYMLINK_TARGET), bufB(), f.get(n)))),
      f.set(rule, m.call("__cr_policy", [bufB(), f.get(n), m.i32.const(ACCESS_WRITE)], i32)),
      m.if(
        m.i32.and(
          m.i32.const(checked ? 1 : 0),
          m.i32.or(
            m.i32.eq(f.get(rule), m.i32.const(Rule.RESERVED)),
            m.i32.and(m.i32.ne(f.get(rule), m.i32.const(0)), m.i32.eq(m.i32.load8_u(0, 1, ptr()), m.i32.const(47))),
          ),
        ),
        m.return(this.deny("symlink", m.i32.const(Rule.SYMLINK_TARGET), bufB(), f.get(n))),
      ),
    ];
  }
}

type GuardSpec = (g: GuardEmitter, f: FnBuilder) => Expr[];
const p = (f: FnBuilder, k: number) => f.get(`p${k}`);

// fd_readdir and fd_filestat_get: what a descriptor opened only to list needs.
const READDIR_RIGHTS = (1 << 14) | (1 << 21);

/** `slashLookup`: a trailing "/" must name a directory, looked up with these lookup flags. */
const simplePath =
  (op: Operation, access: number, fdArg: number, ptrArg: number, lenArg: number, rawName: string, argCount: number, slashLookup?: number): GuardSpec =>
  (g, f) => {
    const m = f.m;
    const checks = g.resolveAndCheck(f, op, fdArg, ptrArg, lenArg, S.pathA, m.i32.const(access), "");
    if (slashLookup !== undefined) checks.push(...slashNamesDirectory(f, ptrArg, lenArg, m.i32.const(slashLookup)));
    const args = Array.from({ length: argCount }, (_, k) => (k === fdArg ? f.get("rd") : k === ptrArg ? f.get("rp") : k === lenArg ? f.get("rl") : p(f, k)));
    return [g.setupScratch(), ...checks, m.return(g.callRaw(rawName, args))];
  };

const GUARDS: Record<string, GuardSpec> = {
  path_open: (g, f) => {
    const m = f.m;
    // (fd, dirflags, path, len, oflags, rights_base i64, rights_inheriting i64, fdflags, fd_out)
    const access = m.if(openWrites(m, f), m.i32.const(ACCESS_WRITE), m.i32.const(ACCESS_READ));
    const dirfdWritable = () => m.i64.ne(m.i64.and(m.global.get("__cr_fd_write", i64), m.i64.shl(m.i64.const(1, 0), m.i64.extend_u(p(f, 0)))), m.i64.const(0, 0));
    const absB = () => m.i32.add(m.global.get("__cr_scratch", i32), m.i32.const(S.mapped2));
    const absLen = f.local("abslen");
    const fixed = (buf: Expr, len: Expr) => m.i32.eq(m.call("__cr_policy", [buf, len, m.i32.const(ACCESS_REMOVE)], i32), m.i32.const(Rule.RESERVED));
    const fixedBit = () => m.i32.wrap(m.i64.and(m.i64.shr_u(m.global.get("__cr_fd_fixed", i64), m.i64.extend_u(p(f, 0))), m.i64.const(1, 0)));
    // the new descriptor's bits from its absolute path (known, or rebuilt below an ancestor)
    const remember = (buf: () => Expr, len: () => Expr) => [
      m.call("__cr_fd_set", [f.get(newFd), m.i32.const(1), m.call("__cr_subtree_writable", [buf(), len()], i32), m.call("__cr_listing_only", [buf(), len()], i32)], none),
      m.call("__cr_fd_set_anc", [f.get(newFd), m.call("__cr_anc_index", [buf(), len()], i32), fixed(buf(), len())], none),
    ];
    const [err, newFd] = [f.local("err"), f.local("newfd")];
    const bufA = () => m.i32.add(m.global.get("__cr_scratch", i32), m.i32.const(S.pathA));
    const checks = g.resolveAndCheck(f, "open", 0, 2, 3, S.pathA, access, "");
    return [
      g.setupScratch(),
      ...checks,
      // Allowed to read: a path that is not writable opens without write rights.
      narrowUnlessWritable(
        m,
        f,
        m.if(
          m.global.get("__cr_rel_mode", i32),
          m.i32.eqz(m.call("__cr_fd_policy", [p(f, 0), bufA(), f.get("n"), m.i32.const(ACCESS_WRITE)], i32)),
          m.i32.eqz(m.call("__cr_policy", [bufA(), f.get("n"), m.i32.const(ACCESS_WRITE)], i32)),
        ),
      ),
      ...openSlashChecks(f),
      f.set(err, g.callRaw("path_open", [f.get("rd"), p(f, 1), f.get("rp"), f.get("rl"), p(f, 4), p(f, 5), p(f, 6), p(f, 7), p(f, 8)])),
      ...g.followLinks(f, "open", access, err, m.i32.and(p(f, 1), m.i32.const(1)), (dirfd, rp, rl) => g.callRaw("path_open", [dirfd, p(f, 1), rp, rl, p(f, 4), p(f, 5), p(f, 6), p(f, 7), p(f, 8)])),
      m.if(f.get(err), m.return(f.get(err))),
      // Remember what the new descriptor's subtree allows (read already checked).
      f.set(newFd, m.i32.load(0, 4, p(f, 8))),
      ...openSlashPostCheck(f, newFd, raw("fd_fdstat_get"), raw("fd_close")),
      m.if(
        m.global.get("__cr_rel_mode", i32),
        m.if(
          m.call("__cr_fd_anc", [p(f, 0)], i32),
          m.block(null, [f.set(absLen, m.call("__cr_fd_abs", [p(f, 0), bufA(), f.get("n"), absB()], i32)), ...remember(absB, () => f.get(absLen))]),
          // below a descriptor with no policy path under it: its access, and "" is itself
          m.block(null, [
            m.call("__cr_fd_set", [f.get(newFd), m.i32.const(1), dirfdWritable(), m.i32.const(0)], none),
            m.call("__cr_fd_set_anc", [f.get(newFd), m.i32.const(0), m.i32.and(m.i32.eq(f.get("n"), m.i32.const(2)), fixedBit())], none),
          ]),
        ),
        m.block(null, remember(bufA, () => f.get("n"))),
      ),
      m.return(m.i32.const(0)),
    ];
  },
  path_filestat_get: (g, f) => {
    const m = f.m;
    // (fd, flags, path, len, filestat): followed like path_open
    const err = f.local("err");
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "stat", 0, 2, 3, S.pathA, m.i32.const(ACCESS_STAT), ""),
      f.set(err, g.callRaw("path_filestat_get", [f.get("rd"), p(f, 1), f.get("rp"), f.get("rl"), p(f, 4)])),
      ...g.followLinks(f, "stat", m.i32.const(ACCESS_STAT), err, m.i32.and(p(f, 1), m.i32.const(1)), (dirfd, rp, rl) => g.callRaw("path_filestat_get", [dirfd, p(f, 1), rp, rl, p(f, 4)])),
      ...statSlashCheck(f, err, 4),
      m.return(f.get(err)),
    ];
  },
  path_filestat_set_times: simplePath("utimes", ACCESS_WRITE, 0, 2, 3, "path_filestat_set_times", 7, 1),
  path_create_directory: simplePath("mkdir", ACCESS_WRITE, 0, 1, 2, "path_create_directory", 3),
  path_remove_directory: simplePath("rmdir", ACCESS_REMOVE, 0, 1, 2, "path_remove_directory", 3),
  path_unlink_file: simplePath("unlink", ACCESS_REMOVE, 0, 1, 2, "path_unlink_file", 3, 0),
  path_readlink: (g, f) => {
    const m = f.m;
    // (fd, path, len, buf, buf_len, bufused): the SDK's text is read into scratch and
    // an absolute target mapped back to the guest's name for it (see path_symlink).
    const s = () => m.global.get("__cr_scratch", i32);
    const at = (off: number) => m.i32.add(s(), m.i32.const(off));
    const [err, n, k, dl] = [f.local("err"), f.local("tn"), f.local("k"), f.local("dl")];
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "readlink", 0, 1, 2, S.pathA, m.i32.const(ACCESS_READ), ""),
      f.set(err, g.callRaw("path_readlink", [f.get("rd"), f.get("rp"), f.get("rl"), at(S.mapped2), m.i32.const(PATH_MAX), at(S.u64)])),
      m.if(f.get(err), m.return(f.get(err))),
      f.set(n, m.i32.load(0, 4, at(S.u64))),
      m.if(
        m.i32.and(
          m.i32.and(m.i32.ge_u(f.get(n), m.i32.const(2)), m.i32.eqz(m.global.get("__cr_rel_mode", i32))),
          m.i32.and(m.i32.eq(m.i32.load8_u(S.mapped2, 1, s()), m.i32.const(46)), m.i32.eq(m.i32.load8_u(S.mapped2 + 1, 1, s()), m.i32.const(47))),
        ),
        // "./rest" stood for an absolute target below the link's directory
        m.block(null, [
          f.set(dl, m.call("__cr_dirname_len", [at(S.pathA), f.get("n")], i32)),
          m.call("__cr_copy", [at(S.pathB), at(S.pathA), f.get(dl)], none),
          m.if(m.i32.eq(f.get(dl), m.i32.const(1)), f.set(dl, m.i32.const(0))),
          m.if(
            m.i32.gt_u(f.get(n), m.i32.const(2)),
            m.block(null, [
              m.i32.store8(0, 1, m.i32.add(at(S.pathB), f.get(dl)), m.i32.const(47)),
              m.call("__cr_copy", [m.i32.add(m.i32.add(at(S.pathB), f.get(dl)), m.i32.const(1)), at(S.mapped2 + 2), m.i32.sub(f.get(n), m.i32.const(2))], none),
            ]),
          ),
          f.set(n, m.if(m.i32.gt_u(f.get(n), m.i32.const(2)), m.i32.add(f.get(dl), m.i32.sub(f.get(n), m.i32.const(1))), m.if(f.get(dl), f.get(dl), m.i32.const(1)))),
        ]),
        f.set(n, m.call("__cr_unmap_abs", [at(S.mapped2), f.get(n), at(S.pathB)], i32)),
      ),
      m.if(m.i32.eqz(m.i32.and(m.call("__cr_in_bounds", [p(f, 3), p(f, 4)], i32), m.call("__cr_in_bounds", [p(f, 5), m.i32.const(4)], i32))), m.return(m.i32.const(Errno.FAULT))),
      f.set(k, m.if(m.i32.lt_u(f.get(n), p(f, 4)), f.get(n), p(f, 4))),
      m.call("__cr_copy", [p(f, 3), at(S.pathB), f.get(k)], none),
      m.i32.store(0, 4, p(f, 5), f.get(k)),
      m.return(m.i32.const(0)),
    ];
  },
  path_rename: (g, f) => {
    const m = f.m;
    // (fd, old, old_len, new_fd, new, new_len)
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "rename", 0, 1, 2, S.pathA, m.i32.const(ACCESS_REMOVE), ""),
      ...g.resolveAndCheck(f, "rename", 3, 4, 5, S.pathB, m.i32.const(ACCESS_REPLACE), "2"),
      ...twoPathSlashChecks(f, [1, 2], [4, 5]),
      m.return(g.callRaw("path_rename", [f.get("rd"), f.get("rp"), f.get("rl"), f.get("rd2"), f.get("rp2"), f.get("rl2")])),
    ];
  },
  path_link: (g, f) => {
    const m = f.m;
    // (old_fd, old_flags, old, old_len, new_fd, new, new_len): the source must be
    // writable too, or a hard link would make a read-only file writable elsewhere.
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "link", 0, 2, 3, S.pathA, m.i32.const(ACCESS_WRITE), ""),
      ...g.resolveAndCheck(f, "link", 4, 5, 6, S.pathB, m.i32.const(ACCESS_REPLACE), "2"),
      ...twoPathSlashChecks(f, [2, 3], [5, 6]),
      ...refuseDirectoryLink(f),
      m.return(g.callRaw("path_link", [f.get("rd"), p(f, 1), f.get("rp"), f.get("rl"), f.get("rd2"), f.get("rp2"), f.get("rl2")])),
    ];
  },
  path_symlink: (g, f) => {
    const m = f.m;
    // (target, target_len, fd, link, link_len): the target is checked as text, then
    // passed on in its normalised copy: relative without a leading "/" (it has no "..",
    // so wherever the link is moved it resolves below its own directory), or absolute,
    // rewritten to the SDK path that stands for it (the SDK resolves targets in its own
    // namespace, where the guest's /workspace is /workspace/home).
    // The SDK follows no absolute target when opening, but does in some calls (rename),
    // so a target at or below the link's own directory is stored relative, marked by a
    // leading "./" (a normalised relative target never has one), which the SDK follows
    // and readlink turns back into the absolute text.
    const bufA = () => m.i32.add(m.global.get("__cr_scratch", i32), m.i32.const(S.pathA));
    const bufB = () => m.i32.add(m.global.get("__cr_scratch", i32), m.i32.const(S.pathB));
    const mappedB = () => m.i32.add(m.global.get("__cr_scratch", i32), m.i32.const(S.mapped2));
    const absolute = m.i32.eq(m.i32.load8_u(0, 1, p(f, 0)), m.i32.const(47));
    const [dlen, start, rest] = [f.local("dlen"), f.local("start"), f.local("rest")];
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "symlink", 2, 3, 4, S.pathA, m.i32.const(ACCESS_REPLACE), ""),
      ...g.symlinkTargetCheck(f, 0, 1),
      f.set(dlen, m.call("__cr_dirname_len", [bufA(), f.get("n")], i32)),
      m.if(
        m.i32.and(
          m.i32.and(m.i32.gt_u(p(f, 1), m.i32.const(0)), absolute),
          m.i32.and(m.i32.eqz(m.global.get("__cr_rel_mode", i32)), m.call("__cr_below_dir", [bufB(), f.get("tn"), bufA(), f.get(dlen)], i32)),
        ),
        m.block(null, [
          f.set(start, m.if(m.i32.eq(f.get(dlen), m.i32.const(1)), m.i32.const(1), m.i32.add(f.get(dlen), m.i32.const(1)))),
          f.set(rest, m.if(m.i32.gt_u(f.get("tn"), f.get(start)), m.i32.sub(f.get("tn"), f.get(start)), m.i32.const(0))),
          m.i32.store8(0, 1, mappedB(), m.i32.const(46)),
          m.i32.store8(1, 1, mappedB(), m.i32.const(47)),
          m.call("__cr_copy", [m.i32.add(mappedB(), m.i32.const(2)), m.i32.add(bufB(), f.get(start)), f.get(rest)], none),
          m.return(g.callRaw("path_symlink", [mappedB(), m.i32.add(f.get(rest), m.i32.const(2)), f.get("rd"), f.get("rp"), f.get("rl")])),
        ]),
      ),
      m.if(
        m.i32.and(m.i32.gt_u(p(f, 1), m.i32.const(0)), absolute),
        m.return(g.callRaw("path_symlink", [mappedB(), m.call("__cr_map_abs", [bufB(), f.get("tn"), mappedB()], i32), f.get("rd"), f.get("rp"), f.get("rl")])),
      ),
      m.return(g.callRaw("path_symlink", [m.i32.add(bufB(), m.i32.const(1)), m.i32.sub(f.get("tn"), m.i32.const(1)), f.get("rd"), f.get("rp"), f.get("rl")])),
    ];
  },
  sock_accept: (g) => [g.setupScratch(), g.m.return(g.denyNoPath("sock_accept", Rule.NETWORK_DISABLED, Errno.NOTCAPABLE))],
  sock_recv: (g) => [g.setupScratch(), g.m.return(g.denyNoPath("sock_recv", Rule.NETWORK_DISABLED, Errno.NOTCAPABLE))],
  sock_send: (g) => [g.setupScratch(), g.m.return(g.denyNoPath("sock_send", Rule.NETWORK_DISABLED, Errno.NOTCAPABLE))],
  sock_shutdown: (g) => [g.setupScratch(), g.m.return(g.denyNoPath("sock_shutdown", Rule.NETWORK_DISABLED, Errno.NOTCAPABLE))],
  fd_readdir: (g, f) => {
    const m = f.m;
    // (fd, buf, len, cookie i64, bufused): listing a preopen directly needs no path
    // call, so the preopen's own directory must be readable under the policy.
    const s = () => m.global.get("__cr_scratch", i32);
    const dot = S.name + 400;
    const bufA = () => m.i32.add(s(), m.i32.const(S.pathA));
    // A preopen whose directory is backed elsewhere (the workdir preopen "." is the
    // storage root, which holds the backing directories and the audit file) lists its
    // backing directory, through a descriptor opened for this call only.
    const [n, rule, dir, err] = [f.local("n"), f.local("rule"), f.local("dir"), f.local("err")];
    const rel = () => m.global.get("__cr_rel_ptr", i32);
    const relLen = () => m.global.get("__cr_rel_len", i32);
    const isDot = m.i32.and(m.i32.eq(relLen(), m.i32.const(1)), m.i32.eq(m.i32.load8_u(0, 1, rel()), m.i32.const(46)));
    return [
      g.setupScratch(),
      m.if(
        m.call("__cr_is_preopen", [p(f, 0)], i32),
        m.block(null, [
          m.i32.store8(dot, 1, s(), m.i32.const(46)),
          f.set(n, m.call("__cr_resolve", [p(f, 0), m.i32.add(s(), m.i32.const(dot)), m.i32.const(1), bufA()], i32)),
          m.if(m.i32.lt_s(f.get(n), m.i32.const(0)), m.return(m.i32.const(Errno.BADF))),
          f.set(rule, m.call("__cr_policy", [bufA(), f.get(n), m.i32.const(ACCESS_READ)], i32)),
          m.if(f.get(rule), m.return(g.deny("readdir", f.get(rule), bufA(), f.get(n)))),
          m.call("__cr_map", [bufA(), f.get(n), m.i32.add(s(), m.i32.const(S.mapped))], none),
          m.if(
            m.i32.eqz(isDot),
            m.block(null, [
              f.set(err, g.callRaw("path_open", [m.global.get(G.realFd, i32), m.i32.const(0), rel(), relLen(), m.i32.const(2), m.i64.const(READDIR_RIGHTS, 0), m.i64.const(0, 0), m.i32.const(0), m.i32.add(s(), m.i32.const(S.u64))])),
              m.if(f.get(err), m.return(f.get(err))),
              f.set(dir, m.i32.load(0, 4, m.i32.add(s(), m.i32.const(S.u64)))),
              f.set(err, g.callRaw("fd_readdir", [f.get(dir), p(f, 1), p(f, 2), p(f, 3), p(f, 4)])),
              m.drop(g.callRaw("fd_close", [f.get(dir)])),
              m.return(f.get(err)),
            ]),
          ),
        ]),
      ),
      m.return(g.callRaw("fd_readdir", [p(f, 0), p(f, 1), p(f, 2), p(f, 3), p(f, 4)])),
    ];
  },
  fd_fdstat_get: (_g, f) => fdstatGuardBody(f.m, f, raw("fd_fdstat_get")),
  fd_close: protectPreopen("fd_close", [0], 1),
  fd_renumber: protectPreopen("fd_renumber", [0, 1], 2),
  ...fdGuards(MAX_FILE_BYTES),
};

/** Preopens are the guard's roots (and its way to the audit file): never closed. */
function protectPreopen(op: "fd_close" | "fd_renumber", fdArgs: number[], argCount: number): GuardSpec {
  return (g, f) => {
    const m = f.m;
    const isPreopen = (k: number) => m.call("__cr_is_preopen", [p(f, k)], i32);
    const err = f.local("err");
    // what the guard knows of a descriptor goes with it, or is forgotten
    const follow = [m.call("__cr_fd_move", [p(f, 0), op === "fd_close" ? m.i32.const(-1) : p(f, 1)], none)];
    return [
      g.setupScratch(),
      ...fdArgs.map((k) => m.if(isPreopen(k), m.return(g.denyNoPath(op, Rule.PROTECTED_FD, Errno.BADF)))),
      f.set(err, g.callRaw(op, Array.from({ length: argCount }, (_, k) => p(f, k)))),
      m.if(m.i32.eqz(f.get(err)), m.block(null, follow)),
      m.return(f.get(err)),
    ];
  };
}


// GUARDED_FUNCTIONS (binaryen-free, used when splicing) must name exactly these guards
// (and proc_exit, whose guard is exit-guard.ts).
if (Object.keys(GUARDS).sort().join() !== GUARDED_FUNCTIONS.filter((n) => n !== "proc_exit").sort().join()) {
  throw new Error("GUARDED_FUNCTIONS and the guard table disagree");
}
