// Guards for calls on a descriptor rather than a path: what they may do depends on how
// the descriptor was opened (the guard's fd bits) and on the engine's bounds.
//   fd_readdir             a preopen lists only when its directory is readable (the
//                          workdir preopen lists the guest's workdir, not the storage);
//   fd_close, fd_renumber  preopens are protected; a descriptor's bits go with it;
//   fd_fdstat_get          stdio answers honestly (stdio-guard.ts);
//   fd_filestat_set_times  a write: denied (EACCES, recorded) on a descriptor whose
//                          path is read-only, like every other write there;
//   fd_filestat_set_size, fd_allocate, fd_pwrite, fd_seek
//                          a size or offset beyond MAX_FILE_BYTES fails at once with
//                          EFBIG (the SDK would grow the file in the worker's memory
//                          until the timeout or the host-memory watchdog).
import type binaryen from "binaryen";
import { Expr, FnBuilder, i32, i64, none, p, i32Params } from "./ir.js";
import { Rule } from "./violation-codes.js";
import { Errno } from "../rewrite/wasi-preview1.js";
import { S } from "./scratch.js";
import { TRACKED_FDS } from "./fd-paths.js";
import { fdstatGuardBody } from "./stdio-guard.js";
import { ACCESS_READ, G, raw, F, DOT } from "./names.js";
import type { GuardSpec } from "./emitter.js";

// fd_readdir and fd_filestat_get: what a descriptor opened only to list needs.
const READDIR_RIGHTS = (1 << 14) | (1 << 21);
const WHENCE_SET = 0;
const WHENCE_CUR = 1;
const WHENCE_END = 2;
const FILETYPE_CHARACTER_DEVICE = 2;
/** Scratch offsets: the path buffer, a u64, a 64-byte area (S.name, which __cr_resolve
 *  overwrites), a byte it does not, the mapped path. */
const PATH_A = S.pathA;
const U64 = S.u64;
const AREA64 = S.name;
const DOT_AT = S.name + 400;
const MAPPED = S.mapped;

/** `__cr_fd_label(fd, out) -> len`: "<fd N>", the path a descriptor's violation is
 *  recorded under (the guard keeps no paths for descriptors). */
export function emitFdLabel(m: binaryen.Module): void {
  const f = new FnBuilder(m, F.fdLabel, i32Params("fd", "out"), i32);
  const [n, v, k] = [f.local("n"), f.local("v"), f.local("k")];
  const put = (at: Expr, byte: Expr) => m.i32.store8(0, 1, m.i32.add(f.get("out"), at), byte);
  f.finish([
    ...Array.from("<fd ", (c, i) => put(m.i32.const(i), m.i32.const(c.charCodeAt(0)))),
    // digits: count them, then write from the end
    f.set(n, m.i32.const(1)),
    f.set(v, f.get("fd")),
    f.whileLoop(
      () => m.i32.ge_u(f.get(v), m.i32.const(10)),
      () => [f.set(v, m.i32.div_u(f.get(v), m.i32.const(10))), f.set(n, m.i32.add(f.get(n), m.i32.const(1)))],
    ),
    f.set(v, f.get("fd")),
    f.set(k, f.get(n)),
    f.whileLoop(
      () => m.i32.gt_u(f.get(k), m.i32.const(0)),
      () => [
        f.set(k, m.i32.sub(f.get(k), m.i32.const(1))),
        put(m.i32.add(m.i32.const(4), f.get(k)), m.i32.add(m.i32.const(48), m.i32.rem_u(f.get(v), m.i32.const(10)))),
        f.set(v, m.i32.div_u(f.get(v), m.i32.const(10))),
      ],
    ),
    put(m.i32.add(m.i32.const(4), f.get(n)), m.i32.const(62)),
    m.return(m.i32.add(m.i32.const(5), f.get(n))),
  ]);
}

const tooBig = (m: binaryen.Module, v: Expr, max: number) => m.i64.gt_u(v, m.i64.const(max, 0));

export function fdGuards(maxFileBytes: number): Record<string, GuardSpec> {
  const sizeBound =
    (rawName: string, argCount: number, bounded: (f: FnBuilder) => Expr[]): GuardSpec =>
    (g, f) => {
      const m = f.m;
      const over = bounded(f)
        .map((e) => tooBig(m, e, maxFileBytes))
        .reduce((a, b) => m.i32.or(a, b));
      return [
        m.if(over, m.return(m.i32.const(Errno.FBIG))),
        m.return(
          g.callRaw(
            rawName,
            Array.from({ length: argCount }, (_, k) => p(f, k)),
          ),
        ),
      ];
    };
  return {
    fd_readdir: (g, f) => {
      const m = f.m;
      // (fd, buf, len, cookie i64, bufused): listing a preopen directly needs no path
      // call, so the preopen's own directory must be readable under the policy.
      const s = () => m.global.get(G.scratch, i32);
      const dot = S.name + 400;
      const bufA = () => m.i32.add(s(), m.i32.const(S.pathA));
      // A preopen whose directory is backed elsewhere (the workdir preopen "." is the
      // storage root, which holds the backing directories and the audit file) lists its
      // backing directory, through a descriptor opened for this call only.
      const [n, rule, dir, err] = [f.local("n"), f.local("rule"), f.local("dir"), f.local("err")];
      const rel = () => m.global.get(G.relPtr, i32);
      const relLen = () => m.global.get(G.relLen, i32);
      const isDot = m.i32.and(m.i32.eq(relLen(), m.i32.const(1)), m.i32.eq(m.i32.load8_u(0, 1, rel()), m.i32.const(DOT)));
      return [
        g.setupScratch(),
        // a descriptor the guest closed (which the SDK may still list) is gone
        m.if(m.call(F.fdClosed, [p(f, 0)], i32), m.return(m.i32.const(Errno.BADF))),
        m.if(
          m.call(F.isPreopen, [p(f, 0)], i32),
          m.block(null, [
            m.i32.store8(dot, 1, s(), m.i32.const(DOT)),
            f.set(n, m.call(F.resolve, [p(f, 0), m.i32.add(s(), m.i32.const(dot)), m.i32.const(1), bufA()], i32)),
            m.if(m.i32.lt_s(f.get(n), m.i32.const(0)), m.return(m.i32.const(Errno.BADF))),
            f.set(rule, m.call(F.policy, [bufA(), f.get(n), m.i32.const(ACCESS_READ)], i32)),
            m.if(f.get(rule), m.return(g.deny("readdir", f.get(rule), bufA(), f.get(n)))),
            m.call(F.map, [bufA(), f.get(n), m.i32.add(s(), m.i32.const(S.mapped))], none),
            m.if(
              m.i32.eqz(isDot),
              m.block(null, [
                f.set(
                  err,
                  g.callRaw("path_open", [
                    m.global.get(G.realFd, i32),
                    m.i32.const(0),
                    rel(),
                    relLen(),
                    m.i32.const(2),
                    m.i64.const(READDIR_RIGHTS, 0),
                    m.i64.const(0, 0),
                    m.i32.const(0),
                    m.i32.add(s(), m.i32.const(S.u64)),
                  ]),
                ),
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
    // (fd, size i64). Truncating a device to 0 (what `> /dev/stderr` does) is a no-op
    // that succeeds, as on Linux; the SDK refuses it with EACCES.
    fd_filestat_set_size: (g, f) => {
      const m = f.m;
      const s = () => m.global.get(G.scratch, i32);
      const err = f.local("err");
      return [
        m.if(tooBig(m, p(f, 1), maxFileBytes), m.return(m.i32.const(Errno.FBIG))),
        f.set(err, g.callRaw("fd_filestat_set_size", [p(f, 0), p(f, 1)])),
        m.if(m.i32.or(m.i32.ne(f.get(err), m.i32.const(Errno.ACCES)), m.i64.ne(p(f, 1), m.i64.const(0, 0))), m.return(f.get(err))),
        g.setupScratch(),
        m.if(
          m.i32.and(
            m.i32.eqz(g.callRaw("fd_filestat_get", [p(f, 0), m.i32.add(s(), m.i32.const(AREA64))])),
            m.i32.eq(m.i32.load8_u(AREA64 + 16, 1, s()), m.i32.const(FILETYPE_CHARACTER_DEVICE)),
          ),
          m.return(m.i32.const(0)),
        ),
        m.return(f.get(err)),
      ];
    },
    // (fd, offset i64, len i64): the sum is checked too (both halves are below 2^32 here)
    fd_allocate: sizeBound("fd_allocate", 3, (f) => [p(f, 1), p(f, 2), f.m.i64.add(p(f, 1), p(f, 2))]),
    // (fd, iovs, iovs_len, offset i64, nwritten)
    fd_pwrite: sizeBound("fd_pwrite", 5, (f) => [p(f, 3)]),
    fd_seek: (g, f) => {
      const m = f.m;
      // (fd, offset i64, whence, newoffset): a position past the bound and past the end
      // of the file is refused and the old position restored. SET within the bound
      // (the common case) costs one comparison. Only fd_seek itself is called (every
      // import costs the SDK work on each run, so the guard adds none).
      const [old, pos, err] = [f.local("old", i64), f.local("pos", i64), f.local("err")];
      const s = () => m.global.get(G.scratch, i32);
      const raw = (args: Expr[]) => g.callRaw("fd_seek", args);
      const here = (whence: number) => raw([p(f, 0), m.i64.const(0, 0), m.i32.const(whence), m.i32.add(s(), m.i32.const(U64))]);
      return [
        m.if(
          m.i32.and(m.i32.eq(p(f, 2), m.i32.const(WHENCE_SET)), m.i32.eqz(tooBig(m, p(f, 1), maxFileBytes))),
          m.return(raw([p(f, 0), p(f, 1), p(f, 2), p(f, 3)])),
        ),
        g.setupScratch(),
        m.if(here(WHENCE_CUR), m.return(raw([p(f, 0), p(f, 1), p(f, 2), p(f, 3)]))),
        f.set(old, m.i64.load(0, 8, m.i32.add(s(), m.i32.const(U64)))),
        f.set(err, raw([p(f, 0), p(f, 1), p(f, 2), p(f, 3)])),
        m.if(f.get(err), m.return(f.get(err))),
        f.set(pos, m.i64.load(0, 1, p(f, 3))),
        m.if(m.i32.eqz(tooBig(m, f.get(pos), maxFileBytes)), m.return(m.i32.const(0))),
        // within an existing file that is larger: allowed (the end is asked for by seeking)
        m.if(
          m.i32.and(m.i32.eqz(here(WHENCE_END)), m.i64.le_u(f.get(pos), m.i64.load(0, 8, m.i32.add(s(), m.i32.const(U64))))),
          m.block(null, [m.drop(raw([p(f, 0), f.get(pos), m.i32.const(WHENCE_SET), p(f, 3)])), m.return(m.i32.const(0))]),
        ),
        m.drop(raw([p(f, 0), f.get(old), m.i32.const(WHENCE_SET), p(f, 3)])),
        m.return(m.i32.const(Errno.FBIG)),
      ];
    },
    fd_filestat_set_times: (g, f) => {
      const m = f.m;
      // (fd, atim i64, mtim i64, flags)
      const s = () => m.global.get(G.scratch, i32);
      const at = (off: number) => m.i32.add(s(), m.i32.const(off));
      const [n, rule, len] = [f.local("n"), f.local("rule"), f.local("len")];
      const rel = () => m.global.get(G.relPtr, i32);
      const relLen = () => m.global.get(G.relLen, i32);
      const isDot = m.i32.and(m.i32.eq(relLen(), m.i32.const(1)), m.i32.eq(m.i32.load8_u(0, 1, rel()), m.i32.const(DOT)));
      const writable = m.i64.ne(m.i64.and(m.global.get(G.fdWrite, i64), m.i64.shl(m.i64.const(1, 0), m.i64.extend_u(p(f, 0)))), m.i64.const(0, 0));
      const denyFd = (r: number) => [
        f.set(len, m.call(F.fdLabel, [p(f, 0), at(MAPPED)], i32)),
        m.return(g.deny("futimes", m.i32.const(r), at(MAPPED), f.get(len))),
      ];
      const rawTimes = () => g.callRaw("fd_filestat_set_times", [p(f, 0), p(f, 1), p(f, 2), p(f, 3)]);
      return [
        m.if(m.i32.lt_u(p(f, 0), m.i32.const(3)), m.return(rawTimes())),
        g.setupScratch(),
        // a preopen: the policy of its own directory (its backing one, for the workdir)
        m.if(
          m.call(F.isPreopen, [p(f, 0)], i32),
          m.block(null, [
            m.i32.store8(DOT_AT, 1, s(), m.i32.const(DOT)),
            f.set(n, m.call(F.resolve, [p(f, 0), at(DOT_AT), m.i32.const(1), at(PATH_A)], i32)),
            m.if(m.i32.lt_s(f.get(n), m.i32.const(0)), m.return(m.i32.const(Errno.BADF))),
            f.set(rule, m.call(F.policy, [at(PATH_A), f.get(n), m.i32.const(2)], i32)),
            m.if(f.get(rule), m.return(g.deny("futimes", f.get(rule), at(PATH_A), f.get(n)))),
            m.call(F.map, [at(PATH_A), f.get(n), at(MAPPED)], none),
            m.if(isDot, m.return(rawTimes())),
            m.return(g.callRaw("path_filestat_set_times", [m.global.get(G.realFd, i32), m.i32.const(0), rel(), relLen(), p(f, 1), p(f, 2), p(f, 3)])),
          ]),
        ),
        m.if(m.call(F.fdTracked, [p(f, 0)], i32), m.block(null, [m.if(writable, m.return(rawTimes())), ...denyFd(Rule.READ_ONLY)])),
        // every descriptor below 64 that exists was opened through the guard; above it
        // the guard cannot tell, so an existing one is refused
        m.if(m.i32.lt_u(p(f, 0), m.i32.const(TRACKED_FDS)), m.return(rawTimes())),
        m.if(g.callRaw("fd_fdstat_get", [p(f, 0), at(AREA64)]), m.return(m.i32.const(Errno.BADF))),
        ...denyFd(Rule.UNTRACKED_FD),
      ];
    },
  };
}

/** Preopens are the guard's roots (and its way to the audit file): never closed. */
function protectPreopen(op: "fd_close" | "fd_renumber", fdArgs: number[], argCount: number): GuardSpec {
  return (g, f) => {
    const m = f.m;
    const isPreopen = (k: number) => m.call(F.isPreopen, [p(f, k)], i32);
    const err = f.local("err");
    // what the guard knows of a descriptor goes with it, or is forgotten
    const follow = [op === "fd_close" ? m.call(F.fdClose, [p(f, 0)], none) : m.call(F.fdMove, [p(f, 0), p(f, 1)], none)];
    return [
      g.setupScratch(),
      ...fdArgs.map((k) => m.if(isPreopen(k), m.return(g.denyNoPath(op, Rule.PROTECTED_FD, Errno.BADF)))),
      f.set(
        err,
        g.callRaw(
          op,
          Array.from({ length: argCount }, (_, k) => p(f, k)),
        ),
      ),
      m.if(m.i32.eqz(f.get(err)), m.block(null, follow)),
      m.return(f.get(err)),
    ];
  };
}
