// Checks of what a path names, for the answers Linux gives and the SDK does not: a
// trailing "/" names a directory (ENOTDIR otherwise), and a hard link to a directory is
// refused (EPERM; wasmer makes one, even of the workdir into itself). They ask the SDK
// with raw path_open calls (O_DIRECTORY, no rights) on the relative path the real call
// will use: path_open, fd_fdstat_get and fd_close are imports every guarded module has
// already, and each new import would cost the SDK work on every run.
import type binaryen from "binaryen";
import { Expr, FnBuilder, i32, p, i32Params } from "./ir.js";
import { S } from "./scratch.js";
import { Errno } from "../rewrite/wasi-preview1.js";
import { DOT, F, G, SLASH } from "./names.js";

export const FILETYPE = { DIRECTORY: 3, SYMLINK: 7 } as const;
const OFLAGS = { CREAT: 1, EXCL: 4 } as const;
/** Offset of `filetype` in a WASI filestat (path_filestat_get's answer). */
const FILESTAT_FILETYPE = 16;
const OPEN_DIRECTORY = 2;
/** What __cr_filetype answers for something that exists and is no directory. */
const NOT_A_DIRECTORY = 4;

/** Emits `__cr_filetype`, `__cr_parent_type` and `__cr_trailing_slash`. `raw` names a raw
 *  import; the opened fd and the fdstat go to the name area (free once resolved). */
export function emitFsChecks(m: binaryen.Module, scratchGlobal: string, raw: (name: string) => string): void {
  const area = (off: number) => m.i32.add(m.global.get(scratchGlobal, i32), m.i32.const(S.name + off));

  // __cr_filetype(dirfd, lookup, ptr, len) -> DIRECTORY | NOT_A_DIRECTORY | SYMLINK
  // (a link not followed) | -errno
  const ft = new FnBuilder(m, F.filetype, i32Params("fd", "lookup", "ptr", "len"), i32);
  const err = ft.local("err");
  const openAs = (oflags: number) =>
    m.call(
      raw("path_open"),
      [ft.get("fd"), ft.get("lookup"), ft.get("ptr"), ft.get("len"), m.i32.const(oflags), m.i64.const(0, 0), m.i64.const(0, 0), m.i32.const(0), area(0)],
      i32,
    );
  ft.finish([
    ft.set(err, openAs(OPEN_DIRECTORY)),
    m.if(m.i32.eqz(ft.get(err)), m.block(null, [m.drop(m.call(raw("fd_close"), [m.i32.load(0, 4, area(0))], i32)), m.return(m.i32.const(FILETYPE.DIRECTORY))])),
    // ENOTDIR: the path, or a directory on the way to it, is no directory; opened as
    // anything, the path itself tells which
    m.if(m.i32.eq(ft.get(err), m.i32.const(Errno.NOTDIR)), ft.set(err, openAs(0))),
    m.if(m.i32.eqz(ft.get(err)), m.block(null, [m.drop(m.call(raw("fd_close"), [m.i32.load(0, 4, area(0))], i32)), m.return(m.i32.const(NOT_A_DIRECTORY))])),
    m.if(m.i32.eq(ft.get(err), m.i32.const(Errno.LOOP)), m.if(m.i32.eqz(ft.get("lookup")), m.return(m.i32.const(FILETYPE.SYMLINK)))),
    m.return(m.i32.sub(m.i32.const(0), ft.get(err))),
  ]);

  // __cr_parent_type(dirfd, ptr, len) -> filetype | -errno of the normalised relative
  // path's directory (symlinks followed); the dirfd's own directory for a bare name
  const pt = new FnBuilder(m, F.parentType, i32Params("fd", "ptr", "len"), i32);
  const j = pt.local("j");
  pt.finish([
    pt.set(j, pt.get("len")),
    pt.whileLoop(
      () =>
        m.i32.and(
          m.i32.gt_u(pt.get(j), m.i32.const(0)),
          m.i32.ne(m.i32.load8_u(0, 1, m.i32.add(pt.get("ptr"), m.i32.sub(pt.get(j), m.i32.const(1)))), m.i32.const(SLASH)),
        ),
      () => [pt.set(j, m.i32.sub(pt.get(j), m.i32.const(1)))],
    ),
    m.if(m.i32.le_u(pt.get(j), m.i32.const(1)), m.return(m.i32.const(FILETYPE.DIRECTORY))),
    m.return(m.call(F.filetype, [pt.get("fd"), m.i32.const(1), pt.get("ptr"), m.i32.sub(pt.get(j), m.i32.const(1))], i32)),
  ]);

  // __cr_trailing_slash(ptr, len) -> 1|0: the guest's path ends in "/" after a name
  // (not after "." or "..", and not "/" alone), so it must name a directory
  const ts = new FnBuilder(m, F.trailingSlash, i32Params("ptr", "len"), i32);
  const [end, k] = [ts.local("end"), ts.local("k")];
  const at = (i: () => binaryen.ExpressionRef) => m.i32.load8_u(0, 1, m.i32.add(ts.get("ptr"), i()));
  const dotAt = (off: number) =>
    m.i32.eq(
      at(() => m.i32.add(ts.get(k), m.i32.const(off))),
      m.i32.const(DOT),
    );
  ts.finish([
    m.if(m.i32.eqz(ts.get("len")), m.return(m.i32.const(0))),
    m.if(
      m.i32.ne(
        at(() => m.i32.sub(ts.get("len"), m.i32.const(1))),
        m.i32.const(SLASH),
      ),
      m.return(m.i32.const(0)),
    ),
    ts.set(end, ts.get("len")),
    ts.whileLoop(
      () =>
        m.i32.and(
          m.i32.gt_u(ts.get(end), m.i32.const(0)),
          m.i32.eq(
            at(() => m.i32.sub(ts.get(end), m.i32.const(1))),
            m.i32.const(SLASH),
          ),
        ),
      () => [ts.set(end, m.i32.sub(ts.get(end), m.i32.const(1)))],
    ),
    m.if(m.i32.eqz(ts.get(end)), m.return(m.i32.const(0))),
    ts.set(k, ts.get(end)),
    ts.whileLoop(
      () =>
        m.i32.and(
          m.i32.gt_u(ts.get(k), m.i32.const(0)),
          m.i32.ne(
            at(() => m.i32.sub(ts.get(k), m.i32.const(1))),
            m.i32.const(SLASH),
          ),
        ),
      () => [ts.set(k, m.i32.sub(ts.get(k), m.i32.const(1)))],
    ),
    // the last name is "." or "..": the path already names a directory
    m.if(m.i32.and(m.i32.eq(m.i32.sub(ts.get(end), ts.get(k)), m.i32.const(1)), dotAt(0)), m.return(m.i32.const(0))),
    m.if(m.i32.and(m.i32.eq(m.i32.sub(ts.get(end), ts.get(k)), m.i32.const(2)), m.i32.and(dotAt(0), dotAt(1))), m.return(m.i32.const(0))),
    m.return(m.i32.const(1)),
  ]);
}

// Statements for the guards. They run after resolveAndCheck, whose locals name the real
// call: rd/rp/rl (first path), rd2/rp2/rl2 (second); `ptr`/`len` are the guest's own path.
const type = (f: FnBuilder, lookup: Expr, s = "") => f.m.call(F.filetype, [f.get(`rd${s}`), lookup, f.get(`rp${s}`), f.get(`rl${s}`)], i32);
const slashAt = (f: FnBuilder, ptrArg: number, lenArg: number) => f.m.call(F.trailingSlash, [p(f, ptrArg), p(f, lenArg)], i32);
/** -errno of a missing or non-directory parent of the second path, else nothing. */
const parentMissing = (f: FnBuilder, s: string): Expr[] => {
  const m = f.m;
  const pt = f.local(`ptype${s}`);
  return [
    f.set(pt, m.call(F.parentType, [f.get(`rd${s}`), f.get(`rp${s}`), f.get(`rl${s}`)], i32)),
    m.if(m.i32.lt_s(f.get(pt), m.i32.const(0)), m.return(m.i32.sub(m.i32.const(0), f.get(pt)))),
    m.if(m.i32.ne(f.get(pt), m.i32.const(FILETYPE.DIRECTORY)), m.return(m.i32.const(Errno.NOTDIR))),
  ];
};

/** A path ending in "/" names a directory: ENOTDIR when it names anything else. */
export function slashNamesDirectory(f: FnBuilder, ptrArg: number, lenArg: number, lookup: Expr): Expr[] {
  const m = f.m;
  const t = f.local("slashtype");
  return [
    m.if(
      slashAt(f, ptrArg, lenArg),
      m.block(null, [
        f.set(t, type(f, lookup)),
        m.if(m.i32.and(m.i32.ge_s(f.get(t), m.i32.const(0)), m.i32.ne(f.get(t), m.i32.const(FILETYPE.DIRECTORY))), m.return(m.i32.const(Errno.NOTDIR))),
      ]),
    ),
  ];
}

/** path_open (fd, dirflags, path, len, oflags, ...) of "name/": an existing non-directory
 *  is EEXIST (O_CREAT|O_EXCL), ELOOP (a symlink not followed) or ENOTDIR; a missing one
 *  that O_CREAT would make is EISDIR once its parent is known to be a directory. */
export function openSlashChecks(f: FnBuilder): Expr[] {
  const m = f.m;
  const t = f.local("slashtype");
  const oflag = (bit: number) => m.i32.ne(m.i32.and(p(f, 4), m.i32.const(bit)), m.i32.const(0));
  const excl = () => m.i32.and(oflag(OFLAGS.CREAT), oflag(OFLAGS.EXCL));
  const follow = m.i32.and(m.i32.and(p(f, 1), m.i32.const(1)), m.i32.eqz(excl()));
  return [
    m.if(
      slashAt(f, 2, 3),
      m.block(null, [
        f.set(t, type(f, follow)),
        m.if(
          m.i32.ge_s(f.get(t), m.i32.const(0)),
          m.if(
            m.i32.ne(f.get(t), m.i32.const(FILETYPE.DIRECTORY)),
            m.block(null, [
              m.if(excl(), m.return(m.i32.const(Errno.EXIST))),
              m.if(m.i32.eq(f.get(t), m.i32.const(FILETYPE.SYMLINK)), m.return(m.i32.const(Errno.LOOP))),
              m.return(m.i32.const(Errno.NOTDIR)),
            ]),
          ),
          m.if(
            m.i32.and(oflag(OFLAGS.CREAT), m.i32.eq(f.get(t), m.i32.const(-Errno.NOENT))),
            m.block(null, [...parentMissing(f, ""), m.return(m.i32.const(Errno.ISDIR))]),
          ),
        ),
      ]),
    ),
  ];
}

/** After a successful open of "name/" (a symlink the guard followed may have led to a
 *  file): a descriptor on anything but a directory is closed again, ENOTDIR. */
export function openSlashPostCheck(f: FnBuilder, newFd: string, rawFdstat: string, rawClose: string): Expr[] {
  const m = f.m;
  const stat = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.name));
  return [
    m.if(
      m.i32.and(slashAt(f, 2, 3), m.i32.eqz(m.call(rawFdstat, [f.get(newFd), stat()], i32))),
      m.if(
        m.i32.ne(m.i32.load8_u(0, 1, stat()), m.i32.const(FILETYPE.DIRECTORY)),
        m.block(null, [m.drop(m.call(rawClose, [f.get(newFd)], i32)), m.return(m.i32.const(Errno.NOTDIR))]),
      ),
    ),
  ];
}

/** path_filestat_get's answer for "name/": ENOTDIR unless the filestat it filled in
 *  (at `statArg`) is a directory's. */
export function statSlashCheck(f: FnBuilder, err: string, statArg: number): Expr[] {
  const m = f.m;
  const isDir = m.i32.eq(m.i32.load8_u(FILESTAT_FILETYPE, 1, p(f, statArg)), m.i32.const(FILETYPE.DIRECTORY));
  return [m.if(m.i32.and(m.i32.eqz(f.get(err)), slashAt(f, 2, 3)), m.if(m.i32.eqz(isDir), m.return(m.i32.const(Errno.NOTDIR))))];
}

/** rename or link with a "/" at the end of either path: the source must be a directory
 *  (ENOTDIR), after a missing or non-directory parent of the destination. */
export function twoPathSlashChecks(f: FnBuilder, first: [number, number], second: [number, number]): Expr[] {
  const m = f.m;
  const t = f.local("slashtype");
  return [
    m.if(
      m.i32.or(slashAt(f, ...first), slashAt(f, ...second)),
      m.block(null, [
        f.set(t, type(f, m.i32.const(0))),
        m.if(
          m.i32.and(m.i32.ge_s(f.get(t), m.i32.const(0)), m.i32.ne(f.get(t), m.i32.const(FILETYPE.DIRECTORY))),
          m.block(null, [...parentMissing(f, "2"), m.return(m.i32.const(Errno.NOTDIR))]),
        ),
      ]),
    ),
  ];
}

/** Linux refuses a hard link to a directory (EPERM; wasmer makes one, a cycle, even of
 *  the workdir into itself), after a missing or non-directory parent of the new name
 *  and EEXIST, in that order. */
export function refuseDirectoryLink(f: FnBuilder): Expr[] {
  const m = f.m;
  return [
    m.if(
      m.i32.eq(type(f, m.i32.const(0)), m.i32.const(FILETYPE.DIRECTORY)),
      m.block(null, [
        ...parentMissing(f, "2"),
        m.if(m.i32.ge_s(type(f, m.i32.const(0), "2"), m.i32.const(0)), m.return(m.i32.const(Errno.EXIST))),
        m.return(m.i32.const(Errno.PERM)),
      ]),
    ),
  ];
}
