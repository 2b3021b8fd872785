// The guard's runtime helpers: scratch below the stack pointer, bounds, byte copies,
// the preopen set taken before any guest code runs, and the audit record.
import { Expr, FnBuilder, i32, none, storeBytes, i32Params } from "./ir.js";
import { AUDIT_FILE_NAME } from "./violation-codes.js";
import { GUARD_SCRATCH_BYTES } from "../rewrite/stack-layout.js";
import { S } from "./scratch.js";
import { enc, G, raw, F, SLASH, DOT } from "./names.js";
import type { GuardEmitter } from "./emitter.js";

/** `__cr_copy(dest, src, n)`: a byte copy (the template uses no bulk-memory ops). */
export function emitCopy(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.copy, i32Params("dest", "src", "n"), none);
  const k = f.local("k");
  f.finish([
    f.set(k, m.i32.const(0)),
    f.whileLoop(
      () => m.i32.lt_u(f.get(k), f.get("n")),
      () => [
        m.i32.store8(0, 1, m.i32.add(f.get("dest"), f.get(k)), m.i32.load8_u(0, 1, m.i32.add(f.get("src"), f.get(k)))),
        f.set(k, m.i32.add(f.get(k), m.i32.const(1))),
      ],
    ),
  ]);
}

/** `__cr_dirname_len(buf, len)`: length of the path's directory ("/" counts 1);
 *  `__cr_below_dir(t, tlen, d, dlen)`: t is d or lies below it. */
export function emitDirHelpers(e: GuardEmitter) {
  const m = e.m;
  const dn = new FnBuilder(m, F.dirnameLen, i32Params("buf", "len"), i32);
  const k = dn.local("k");
  dn.finish([
    dn.set(k, dn.get("len")),
    dn.whileLoop(
      () =>
        m.i32.and(
          m.i32.gt_u(dn.get(k), m.i32.const(0)),
          m.i32.ne(m.i32.load8_u(0, 1, m.i32.add(dn.get("buf"), m.i32.sub(dn.get(k), m.i32.const(1)))), m.i32.const(SLASH)),
        ),
      () => [dn.set(k, m.i32.sub(dn.get(k), m.i32.const(1)))],
    ),
    // k is one past the last "/": the directory is buf[0..k-1), or "/" itself
    m.return(m.if(m.i32.le_u(dn.get(k), m.i32.const(1)), m.i32.const(1), m.i32.sub(dn.get(k), m.i32.const(1)))),
  ]);
  const b = new FnBuilder(m, F.belowDir, i32Params("t", "tlen", "d", "dlen"), i32);
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
    m.return(m.i32.eq(m.i32.load8_u(0, 1, m.i32.add(b.get("t"), b.get("dlen"))), m.i32.const(SLASH))),
  ]);
}

/** `__cr_scratch() -> base`, or 0 when the stack is too low to carve scratch from
 *  without reaching the guest's static data (the floor). */
export function emitScratch(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.scratchBase, [], i32);
  const sp = () => m.global.get(e.stackPointer, i32);
  f.finish([
    m.if(m.i32.lt_u(sp(), m.i32.add(m.global.get(e.stackFloor, i32), m.i32.const(GUARD_SCRATCH_BYTES))), m.return(m.i32.const(0))),
    m.return(m.i32.and(m.i32.sub(sp(), m.i32.const(GUARD_SCRATCH_BYTES)), m.i32.const(~15))),
  ]);
}

/** `__cr_in_bounds(ptr, len) -> 1|0`: the guest range lies inside linear memory
 *  (guest pointers are hostile; an out-of-range read would trap the guard). */
export function emitInBounds(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.inBounds, i32Params("ptr", "len"), i32);
  const u64 = (e: Expr) => m.i64.extend_u(e);
  f.finish([m.return(m.i64.le_u(m.i64.add(u64(f.get("ptr")), u64(f.get("len"))), m.i64.shl(u64(m.memory.size()), m.i64.const(16, 0))))]);
}

/** `__cr_init()`, run by the `_start` wrapper before any guest code: records which
 *  fds (3..34) are preopens in a global the guest cannot reach. wasmer answers
 *  fd_prestat_get successfully even for stdio, so the set must be taken up front,
 *  before the guest can open anything; a preopen is a dir whose name can be read. */
export function emitPreopenSet(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.init, [], none);
  const fd = f.local("fd");
  const s = () => m.global.get(G.scratch, i32);
  const at = (off: number) => m.i32.add(s(), m.i32.const(off));
  f.finish([
    m.global.set(G.scratch, m.call(F.scratchBase, [], i32)),
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
                m.if(
                  m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(SLASH)),
                  m.global.set(G.rootPreopens, m.i32.or(m.global.get(G.rootPreopens, i32), m.i32.shl(m.i32.const(1), f.get(fd)))),
                ),
                m.if(
                  m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(DOT)),
                  m.global.set(G.dotPreopens, m.i32.or(m.global.get(G.dotPreopens, i32), m.i32.shl(m.i32.const(1), f.get(fd)))),
                ),
                // the last "/" or "." preopen is the one wasi-libc resolves every path against
                m.if(
                  m.i32.or(m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(SLASH)), m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(DOT))),
                  m.global.set(G.cwdFd, f.get(fd)),
                ),
              ]),
            ),
            // the first preopen named "/" is where the audit file is written from
            m.if(
              m.i32.and(
                m.i32.lt_s(m.global.get(G.rootFd, i32), m.i32.const(0)),
                m.i32.and(m.i32.eq(m.i32.load(S.prestat + 4, 4, s()), m.i32.const(1)), m.i32.eq(m.i32.load8_u(S.name, 1, s()), m.i32.const(SLASH))),
              ),
              m.global.set(G.rootFd, f.get(fd)),
            ),
          ]),
        ),
        f.set(fd, m.i32.add(f.get(fd), m.i32.const(1))),
      ],
    ),
  ]);
  const q = new FnBuilder(m, F.isPreopen, [["fd", i32]], i32);
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
export function emitRootFd(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.findRoot, [], i32);
  f.finish([m.return(m.global.get(G.rootFd, i32))]);
}

/** `__cr_record(op, rule, buf, len)`: appends one record to the audit file with raw
 *  calls. If the record cannot be written the guest is trapped: never lose one. */
export function emitRecord(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.record, i32Params("op", "rule", "buf", "len"), none);
  const [root, fd] = [f.local("root"), f.local("fd")];
  const s = () => m.global.get(G.scratch, i32);
  const at = (off: number) => m.i32.add(s(), m.i32.const(off));
  const audit = enc(`${e.cfg.workdir.replace(/^\/+/, "")}/${AUDIT_FILE_NAME}`.replace(/^\//, ""));
  const check = (e: Expr) => m.if(m.i32.ne(e, m.i32.const(0)), m.unreachable());
  f.finish([
    f.set(root, m.call(F.findRoot, [], i32)),
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
export function emitDeny(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.deny, i32Params("op", "rule", "buf", "len", "errno"), i32);
  f.finish([
    m.call(F.record, [f.get("op"), f.get("rule"), f.get("buf"), f.get("len")], none),
    e.cfg.onViolation === "trap" ? m.unreachable() : m.nop(),
    m.return(f.get("errno")),
  ]);
}
