// The policy compiled into code: comparisons against the grants, the engine's reserved
// names and structure, the listing-only device directories, and the bits a descriptor
// the guest opened carries.
import { bytesEqual, Expr, FnBuilder, i32, i64, none, i32Params } from "./ir.js";
import { AUDIT_FILE_NAME, Rule } from "./violation-codes.js";
import { S } from "./scratch.js";
import { TRACKED_FDS } from "./fd-paths.js";
import { ACCESS_READ, ACCESS_REMOVE, ACCESS_STAT, ACCESS_WRITE, enc, G, F, SLASH } from "./names.js";
import type { GuardEmitter } from "./emitter.js";

/** Descriptors opened through the guard, with what their subtree allows, kept in
 *  globals the guest cannot reach. wasi-libc's readdir and openat-style code make
 *  path calls relative to such descriptors; they are checked against these bits
 *  (a path below a granted directory has the directory's access). */
export function emitFdTracking(e: GuardEmitter) {
  const m = e.m;
  const bit = (fd: Expr) => m.i64.shl(m.i64.const(1, 0), m.i64.extend_u(fd));
  const has = (g: string, fd: Expr) => m.i64.ne(m.i64.and(m.global.get(g, i64), bit(fd)), m.i64.const(0, 0));
  const small = (fd: () => Expr) => m.i32.lt_u(fd(), m.i32.const(TRACKED_FDS));

  const tracked = new FnBuilder(m, F.fdTracked, [["fd", i32]], i32);
  tracked.finish([
    m.return(
      m.i32.and(
        small(() => tracked.get("fd")),
        m.if(
          small(() => tracked.get("fd")),
          has(G.fdRead, tracked.get("fd")),
          m.i32.const(0),
        ),
      ),
    ),
  ]);

  // __cr_fd_set(fd, readable, writable, listingOnly): a listing-only directory (/dev)
  // allows nothing below it but stat
  const set = new FnBuilder(m, F.fdSet, i32Params("fd", "r", "w", "x"), none);
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
  const pol = new FnBuilder(m, F.fdPolicy, i32Params("fd", "buf", "len", "access"), i32);
  const writes = m.i32.or(m.i32.eq(pol.get("access"), m.i32.const(ACCESS_WRITE)), m.i32.ge_u(pol.get("access"), m.i32.const(ACCESS_REMOVE)));
  const abs = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.mapped2));
  const absLen = pol.local("abslen");
  pol.finish([
    reservedCheck(e, pol),
    m.if(
      m.call(F.fdAnc, [pol.get("fd")], i32),
      m.block(null, [
        pol.set(absLen, m.call(F.fdAbs, [pol.get("fd"), pol.get("buf"), pol.get("len"), abs()], i32)),
        m.return(m.call(F.policy, [abs(), pol.get(absLen), pol.get("access")], i32)),
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
  const sub = new FnBuilder(m, F.subtreeWritable, i32Params("buf", "len"), i32);
  const body: Expr[] = [
    m.if(m.i32.ne(m.call(F.policy, [sub.get("buf"), sub.get("len"), m.i32.const(ACCESS_WRITE)], i32), m.i32.const(0)), m.return(m.i32.const(0))),
  ];
  for (const g of e.cfg.readOnly) {
    // g strictly below buf: buf is "/" or g starts with buf + "/"
    const checks: Expr[] = [m.i32.eq(sub.get("len"), m.i32.const(1))];
    for (let k = 1; k < g.length; k++) {
      if (g[k] !== "/") continue;
      const pre = enc(g.slice(0, k));
      checks.push(
        m.i32.and(
          m.i32.eq(sub.get("len"), m.i32.const(pre.length)),
          bytesEqual(m, () => sub.get("buf"), pre),
        ),
      );
    }
    body.push(
      m.if(
        checks.reduce((a, b) => m.i32.or(a, b)),
        m.return(m.i32.const(0)),
      ),
    );
  }
  body.push(m.return(m.i32.const(1)));
  sub.finish(body);
}

/** `__cr_policy(buf, len, access) -> 0 | rule`: the policy, compiled to comparisons. */
export function emitPolicy(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.policy, i32Params("buf", "len", "access"), i32);
  const buf = () => f.get("buf");
  const len = () => f.get("len");
  const within = (root: string) => e.within(f, root);
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
  const body: Expr[] = [reservedCheck(e, f)];
  const access = () => f.get("access");
  const writes = () => m.i32.or(m.i32.eq(access(), m.i32.const(ACCESS_WRITE)), m.i32.ge_u(access(), m.i32.const(ACCESS_REMOVE)));
  // The workdir and mount points are engine structure (the audit file, the backing
  // directories): they may not be removed, renamed away or replaced (as Linux answers
  // EBUSY for a mount point).
  const removesOrReplaces = () => m.i32.ge_u(access(), m.i32.const(ACCESS_REMOVE));
  for (const fixed of new Set([e.cfg.workdir, ...[...(e.cfg.mounts ?? []), ...(e.cfg.devices ?? [])].map((x) => x.guest)])) {
    const b = enc(fixed);
    body.push(m.if(m.i32.and(removesOrReplaces(), m.i32.and(m.i32.eq(len(), m.i32.const(b.length)), bytesEqual(m, buf, b))), ret(Rule.RESERVED)));
  }
  for (const g of e.cfg.readWrite) body.push(m.if(within(g), ret(0)));
  for (const g of e.cfg.readOnly) {
    body.push(m.if(within(g), m.if(writes(), ret(Rule.READ_ONLY), ret(0))));
  }
  // /dev and /dev/fd hold only the standard devices: they may be listed when a device
  // in them is granted (`ls /dev`), without granting the others.
  for (const dir of e.listingOnlyDirs()) {
    const b = enc(dir);
    body.push(m.if(m.i32.and(m.i32.eq(access(), m.i32.const(ACCESS_READ)), m.i32.and(m.i32.eq(len(), m.i32.const(b.length)), bytesEqual(m, buf, b))), ret(0)));
    // and each entry in them may be stat'ed (ls does)
    body.push(
      m.if(
        m.i32.and(
          m.i32.eq(access(), m.i32.const(ACCESS_STAT)),
          m.i32.and(m.i32.eq(m.call(F.dirnameLen, [buf(), len()], i32), m.i32.const(b.length)), bytesEqual(m, buf, b)),
        ),
        ret(0),
      ),
    );
  }
  const ancestors = [...e.cfg.readWrite, ...e.cfg.readOnly].flatMap(ancestorOf);
  if (ancestors.length) {
    body.push(
      m.if(
        m.i32.and(
          m.i32.eq(f.get("access"), m.i32.const(ACCESS_STAT)),
          ancestors.reduce((a, b) => m.i32.or(a, b)),
        ),
        ret(0),
      ),
    );
  }
  body.push(ret(Rule.NOT_GRANTED));
  f.finish(body);
}

/** `__cr_listing_only(buf, len) -> 1|0`: (buf, len) is one of listingOnlyDirs. */
export function emitListingOnly(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.listingOnly, i32Params("buf", "len"), i32);
  const body: Expr[] = [];
  for (const dir of e.listingOnlyDirs()) {
    const b = enc(dir);
    body.push(
      m.if(
        m.i32.and(
          m.i32.eq(f.get("len"), m.i32.const(b.length)),
          bytesEqual(m, () => f.get("buf"), b),
        ),
        m.return(m.i32.const(1)),
      ),
    );
  }
  body.push(m.return(m.i32.const(0)));
  f.finish(body);
}

/** Any component named like the audit file is reserved, wherever it appears: a
 *  symlink or hard link could otherwise alias the file under another directory. */
export function reservedCheck(e: GuardEmitter, f: FnBuilder): Expr {
  const m = e.m;
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
            m.i32.and(m.i32.eq(m.i32.load8_u(0, 1, at()), m.i32.const(SLASH)), bytesEqual(m, at, name, 1)),
            m.i32.or(
              m.i32.eq(m.i32.add(f.get(k), m.i32.const(name.length + 1)), f.get("len")),
              m.i32.eq(m.i32.load8_u(name.length + 1, 1, at()), m.i32.const(SLASH)),
            ),
          ),
          m.return(m.i32.const(Rule.RESERVED)),
        ),
        f.set(k, m.i32.add(f.get(k), m.i32.const(1))),
      ],
    ),
  ]);
}
