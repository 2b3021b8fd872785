// Path resolution in the guard: a (dirfd, path) made absolute and normalised into a
// private copy, and the workdir start for foreign modules (where the result leads:
// follow.ts).
import { Expr, FnBuilder, i32, storeBytes, i32Params } from "./ir.js";
import { Rule } from "./violation-codes.js";
import { Errno } from "../rewrite/wasi-preview1.js";
import { PATH_MAX, S } from "./scratch.js";
import { DIRFD_SENTINEL, enc, G, MAX_START_DIR, raw, F, SLASH, DOT } from "./names.js";
import type { GuardEmitter } from "./emitter.js";

/** `__cr_norm(out, o, src, n) -> o'`: appends src's components to the absolute path
 *  out[0..o), resolving "." and ".." lexically; -1 when the result would not fit. */
export function emitNormalise(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.norm, i32Params("out", "o", "src", "n"), i32);
  const [i, start, clen, k] = [f.local("i"), f.local("start"), f.local("clen"), f.local("k")];
  const srcAt = (idx: Expr) => m.i32.load8_u(0, 1, m.i32.add(f.get("src"), idx));
  const outAt = (idx: Expr) => m.i32.load8_u(0, 1, m.i32.add(f.get("out"), idx));
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
              m.i32.and(m.i32.eq(srcAt(f.get(start)), m.i32.const(DOT)), m.i32.eq(srcAt(m.i32.add(f.get(start), m.i32.const(1))), m.i32.const(DOT))),
            ),
            m.block(null, [
              m.global.set(G.sawDotDot, m.i32.const(1)),
              ...(e.mutation === "dotdot-shallow" ? [m.br(cont)] : []),
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
            m.block(null, [m.i32.store8(0, 1, m.i32.add(f.get("out"), f.get("o")), m.i32.const(SLASH)), f.set("o", m.i32.add(f.get("o"), m.i32.const(1)))]),
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
export function emitResolve(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.resolve, i32Params("fd", "ptr", "len", "out"), i32);
  const s = () => m.global.get(G.scratch, i32);
  const [nameLen, o, base] = [f.local("nameLen"), f.local("o"), f.local("base")];
  const wd = enc(e.cfg.workdir);
  const rawCall = (name: string, args: Expr[]) => m.call(raw(name), args, i32);
  const nameAt = (k: number) => m.i32.load8_u(S.name + k, 1, s());
  f.finish([
    m.if(m.i32.gt_u(f.get("len"), m.i32.const(PATH_MAX)), m.return(m.i32.const(-Errno.NAMETOOLONG))),
    m.if(m.i32.eqz(m.call(F.inBounds, [f.get("ptr"), f.get("len")], i32)), m.return(m.i32.const(-Errno.FAULT))),
    m.global.set(G.relMode, m.i32.const(0)),
    m.global.set(G.realFd, f.get("fd")),
    m.if(
      m.i32.eqz(m.call(F.isPreopen, [f.get("fd")], i32)),
      m.block(null, [
        m.if(m.call(F.fdTracked, [f.get("fd")], i32), m.return(m.call(F.resolveTracked, [f.get("ptr"), f.get("len"), f.get("out")], i32))),
        m.if(m.call(F.fdClosed, [f.get("fd")], i32), m.return(m.i32.const(-Errno.BADF))),
        m.if(m.i32.ne(rawCall("fd_fdstat_get", [f.get("fd"), m.i32.add(s(), m.i32.const(S.fdstat))]), m.i32.const(0)), m.return(m.i32.const(-Errno.BADF))),
        m.return(m.i32.const(-(1000 + Rule.NOT_PREOPEN))),
      ]),
    ),
    // The preopen's name: "/" and "." are known from __cr_init; others are asked for.
    m.if(
      m.i32.and(m.global.get(G.rootPreopens, i32), m.i32.shl(m.i32.const(1), f.get("fd"))),
      m.block(null, [f.set(nameLen, m.i32.const(1)), m.i32.store8(S.name, 1, s(), m.i32.const(SLASH))]),
      m.if(
        m.i32.and(m.global.get(G.dotPreopens, i32), m.i32.shl(m.i32.const(1), f.get("fd"))),
        m.block(null, [f.set(nameLen, m.i32.const(1)), m.i32.store8(S.name, 1, s(), m.i32.const(DOT))]),
        m.block(null, [
          m.drop(rawCall("fd_prestat_get", [f.get("fd"), m.i32.add(s(), m.i32.const(S.prestat))])),
          f.set(nameLen, m.i32.load(S.prestat + 4, 4, s())),
          m.if(m.i32.gt_u(f.get(nameLen), m.i32.const(250)), m.return(m.i32.const(-(1000 + Rule.NOT_PREOPEN)))),
          m.drop(rawCall("fd_prestat_dir_name", [f.get("fd"), m.i32.add(s(), m.i32.const(S.name)), f.get(nameLen)])),
        ]),
      ),
    ),
    ...storeBytes(m, s, wd, S.name + 256),
    m.i32.store8(0, 1, f.get("out"), m.i32.const(SLASH)),
    f.set(o, m.i32.const(1)),
    f.set(base, m.i32.add(s(), m.i32.const(S.name))),
    // A preopen named "." (or anything relative) stands for the workdir.
    m.if(
      m.i32.or(m.i32.eqz(f.get(nameLen)), m.i32.ne(nameAt(0), m.i32.const(SLASH))),
      m.block(null, [
        m.if(m.i32.and(m.i32.eq(f.get(nameLen), m.i32.const(1)), m.i32.eq(nameAt(0), m.i32.const(DOT))), f.set(nameLen, m.i32.const(0))),
        f.set(o, m.call(F.norm, [f.get("out"), m.i32.const(1), m.i32.add(s(), m.i32.const(S.name + 256)), m.i32.const(wd.length)], i32)),
      ]),
    ),
    f.set(o, m.call(F.norm, [f.get("out"), f.get(o), f.get(base), f.get(nameLen)], i32)),
    m.if(m.i32.lt_s(f.get(o), m.i32.const(0)), m.return(m.i32.const(-Errno.NAMETOOLONG))),
    m.global.set(G.prefixLen, f.get(o)),
    m.global.set(G.minLen, f.get(o)),
    m.global.set(G.sawDotDot, m.i32.const(0)),
    ...startInWorkdir(e, f, o),
    f.set(o, m.call(F.norm, [f.get("out"), f.get(o), f.get("ptr"), f.get("len")], i32)),
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
    ...emptyRelIsDot(e, f, o),
    m.return(f.get(o)),
  ]);
}

/** Foreign modules start in the workdir. wasi-libc makes a relative path absolute
 *  against its own cwd "/" (or, without chdir, treats it as absolute), strips the "/"
 *  and sends it to the last preopen named "/" or ".": "data.txt" and "/data.txt"
 *  arrive alike. On that preopen a path whose first component is not a root name
 *  is resolved in the workdir (the "/" preopen stays the real call's base, so ".."
 *  climbs out of the workdir as it would from a cwd of /workspace). */
export function startInWorkdir(e: GuardEmitter, f: FnBuilder, o: string): Expr[] {
  if (!e.cfg.startInWorkdir) return [];
  const m = e.m;
  const s = () => m.global.get(G.scratch, i32);
  // emitResolve left the workdir at name+256 (256 bytes); a start directory replaces it
  const start = e.cfg.startDir;
  const wd = enc(start ?? e.cfg.workdir);
  if (wd.length > MAX_START_DIR) throw new Error(`start directory longer than ${MAX_START_DIR} bytes`);
  const relative = m.i32.or(m.i32.eqz(f.get("len")), m.i32.ne(m.i32.load8_u(0, 1, f.get("ptr")), m.i32.const(SLASH)));
  const join = f.set(o, m.call(F.norm, [f.get("out"), f.get(o), m.i32.add(s(), m.i32.const(S.name + 256)), m.i32.const(wd.length)], i32));
  return [
    m.if(
      m.i32.and(
        m.i32.and(m.i32.eq(f.get("fd"), m.global.get(G.cwdFd, i32)), m.i32.eq(m.global.get(G.prefixLen, i32), m.i32.const(1))),
        m.i32.and(relative, m.i32.eqz(m.call(F.rootName, [f.get("ptr"), f.get("len")], i32))),
      ),
      start ? m.block(null, [...storeBytes(m, s, wd, S.name + 256), join]) : join,
    ),
  ];
}

/** An empty relative path means the directory itself: "." (stored after the path). */
export function emptyRelIsDot(e: GuardEmitter, f: FnBuilder, o: string): Expr[] {
  const m = e.m;
  const after = () => m.i32.add(f.get("out"), m.i32.add(f.get(o), m.i32.const(1)));
  return [
    m.if(
      m.i32.le_s(m.global.get(G.relLen, i32), m.i32.const(0)),
      m.block(null, [m.i32.store8(0, 1, after(), m.i32.const(DOT)), m.global.set(G.relPtr, after()), m.global.set(G.relLen, m.i32.const(1))]),
    ),
  ];
}

/** `__cr_resolve_tracked(ptr, len, out)`: like __cr_resolve for a descriptor the
 *  guard opened: the path, normalised, below the sentinel "/#"; ".." above it is an
 *  escape. Sets relMode = 1 so the guard checks the descriptor's bits instead. */
export function emitResolveTracked(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.resolveTracked, i32Params("ptr", "len", "out"), i32);
  const o = f.local("o");
  const sentinel = enc(DIRFD_SENTINEL);
  f.finish([
    ...storeBytes(m, () => f.get("out"), sentinel),
    m.global.set(G.prefixLen, m.i32.const(sentinel.length)),
    m.global.set(G.minLen, m.i32.const(sentinel.length)),
    m.global.set(G.relMode, m.i32.const(1)),
    f.set(o, m.call(F.norm, [f.get("out"), m.i32.const(sentinel.length), f.get("ptr"), f.get("len")], i32)),
    m.if(m.i32.lt_s(f.get(o), m.i32.const(0)), m.return(m.i32.const(-Errno.NAMETOOLONG))),
    m.if(m.i32.lt_u(m.global.get(G.minLen, i32), m.i32.const(sentinel.length)), m.return(m.i32.const(-(1000 + Rule.ESCAPES_PREOPEN)))),
    m.global.set(G.relPtr, m.i32.add(f.get("out"), m.i32.const(sentinel.length + 1))),
    m.global.set(G.relLen, m.i32.sub(f.get(o), m.i32.const(sentinel.length + 1))),
    ...emptyRelIsDot(e, f, o),
    m.return(f.get(o)),
  ]);
}
