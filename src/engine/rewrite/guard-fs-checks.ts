// Checks of what a path names, for the answers Linux gives and the SDK does not: a
// trailing "/" names a directory (ENOTDIR otherwise), and a hard link to a directory is
// refused (EPERM; wasmer makes one, even of the workdir into itself). They ask the SDK
// with raw path_filestat_get calls on the relative path the real call will use.
import type binaryen from "binaryen";
import { FnBuilder, i32 } from "./ir.js";
import { S } from "./guard-scratch.js";

export const FILETYPE = { DIRECTORY: 3, SYMLINK: 7 } as const;
const SLASH = 0x2f;
const DOT = 0x2e;
/** Offset of `filetype` in a WASI filestat. */
const FILESTAT_FILETYPE = 16;

/** Emits `__cr_filetype`, `__cr_parent_type` and `__cr_trailing_slash`. `rawStat` is the
 *  raw path_filestat_get import; the filestat goes to the name area (free once resolved). */
export function emitFsChecks(m: binaryen.Module, scratchGlobal: string, rawStat: string): void {
  const stat = () => m.i32.add(m.global.get(scratchGlobal, i32), m.i32.const(S.name));

  // __cr_filetype(dirfd, lookup, ptr, len) -> filetype | -errno
  const ft = new FnBuilder(m, "__cr_filetype", [["fd", i32], ["lookup", i32], ["ptr", i32], ["len", i32]], i32);
  const err = ft.local("err");
  ft.finish([
    ft.set(err, m.call(rawStat, [ft.get("fd"), ft.get("lookup"), ft.get("ptr"), ft.get("len"), stat()], i32)),
    m.if(ft.get(err), m.return(m.i32.sub(m.i32.const(0), ft.get(err)))),
    m.return(m.i32.load8_u(FILESTAT_FILETYPE, 1, stat())),
  ]);

  // __cr_parent_type(dirfd, ptr, len) -> filetype | -errno of the normalised relative
  // path's directory (symlinks followed); the dirfd's own directory for a bare name
  const pt = new FnBuilder(m, "__cr_parent_type", [["fd", i32], ["ptr", i32], ["len", i32]], i32);
  const j = pt.local("j");
  pt.finish([
    pt.set(j, pt.get("len")),
    pt.whileLoop(
      () => m.i32.and(m.i32.gt_u(pt.get(j), m.i32.const(0)), m.i32.ne(m.i32.load8_u(0, 1, m.i32.add(pt.get("ptr"), m.i32.sub(pt.get(j), m.i32.const(1)))), m.i32.const(SLASH))),
      () => [pt.set(j, m.i32.sub(pt.get(j), m.i32.const(1)))],
    ),
    m.if(m.i32.le_u(pt.get(j), m.i32.const(1)), m.return(m.i32.const(FILETYPE.DIRECTORY))),
    m.return(m.call("__cr_filetype", [pt.get("fd"), m.i32.const(1), pt.get("ptr"), m.i32.sub(pt.get(j), m.i32.const(1))], i32)),
  ]);

  // __cr_trailing_slash(ptr, len) -> 1|0: the guest's path ends in "/" after a name
  // (not after "." or "..", and not "/" alone), so it must name a directory
  const ts = new FnBuilder(m, "__cr_trailing_slash", [["ptr", i32], ["len", i32]], i32);
  const [end, k] = [ts.local("end"), ts.local("k")];
  const at = (i: () => binaryen.ExpressionRef) => m.i32.load8_u(0, 1, m.i32.add(ts.get("ptr"), i()));
  const dotAt = (off: number) => m.i32.eq(at(() => m.i32.add(ts.get(k), m.i32.const(off))), m.i32.const(DOT));
  ts.finish([
    m.if(m.i32.eqz(ts.get("len")), m.return(m.i32.const(0))),
    m.if(m.i32.ne(at(() => m.i32.sub(ts.get("len"), m.i32.const(1))), m.i32.const(SLASH)), m.return(m.i32.const(0))),
    ts.set(end, ts.get("len")),
    ts.whileLoop(
      () => m.i32.and(m.i32.gt_u(ts.get(end), m.i32.const(0)), m.i32.eq(at(() => m.i32.sub(ts.get(end), m.i32.const(1))), m.i32.const(SLASH))),
      () => [ts.set(end, m.i32.sub(ts.get(end), m.i32.const(1)))],
    ),
    m.if(m.i32.eqz(ts.get(end)), m.return(m.i32.const(0))),
    ts.set(k, ts.get(end)),
    ts.whileLoop(
      () => m.i32.and(m.i32.gt_u(ts.get(k), m.i32.const(0)), m.i32.ne(at(() => m.i32.sub(ts.get(k), m.i32.const(1))), m.i32.const(SLASH))),
      () => [ts.set(k, m.i32.sub(ts.get(k), m.i32.const(1)))],
    ),
    // the last name is "." or "..": the path already names a directory
    m.if(m.i32.and(m.i32.eq(m.i32.sub(ts.get(end), ts.get(k)), m.i32.const(1)), dotAt(0)), m.return(m.i32.const(0))),
    m.if(m.i32.and(m.i32.eq(m.i32.sub(ts.get(end), ts.get(k)), m.i32.const(2)), m.i32.and(dotAt(0), dotAt(1))), m.return(m.i32.const(0))),
    m.return(m.i32.const(1)),
  ]);
}
