// Rights, not requests. A path_open asks for rights; programs ask for more than they use
// (Rust's std opens directories with the rights of the preopen they came from, and
// files with fd_allocate or fd_filestat_set_size rights it may never exercise). What
// writes is an open that creates or truncates, or asks for fd_write on a file: only
// those need a writable grant. Any other open of a path that is not writable goes ahead
// with its write rights removed (base and inheriting), as wasmtime's read-only
// directories do, so a later write through the descriptor fails in the runtime
// (@wasmer/sdk enforces rights: EACCES) rather than at the open.
import type binaryen from "binaryen";
import { Expr, FnBuilder } from "./ir.js";

const OFLAGS_CREAT = 1;
const OFLAGS_DIRECTORY = 2;
const OFLAGS_TRUNC = 8;
const RIGHT_FD_WRITE = 1 << 6;

/** Rights that change a file or a directory's entries (wasi_snapshot_preview1 bit
 *  numbers): fd_datasync 0, fd_write 6, fd_allocate 8, path_create_directory 9,
 *  path_create_file 10, path_link_source 11, path_link_target 12,
 *  path_rename_source 16, path_rename_target 17, path_filestat_set_size 19,
 *  path_filestat_set_times 20, fd_filestat_set_size 22, fd_filestat_set_times 23,
 *  path_symlink 24, path_remove_directory 25, path_unlink_file 26. */
export const WRITE_RIGHTS = [0, 6, 8, 9, 10, 11, 12, 16, 17, 19, 20, 22, 23, 24, 25, 26].reduce((a, b) => a | (1 << b), 0);

/** i32: the path_open (fd, dirflags, path, len, oflags, base i64, inheriting i64,
 *  fdflags, fd_out) in `f` (params p0..p8) writes: O_CREAT, O_TRUNC, or fd_write
 *  asked for on something that is not opened as a directory. */
export function openWrites(m: binaryen.Module, f: FnBuilder): Expr {
  const oflags = () => f.get("p4");
  const asks = (bits: number) => m.i32.ne(m.i32.and(oflags(), m.i32.const(bits)), m.i32.const(0));
  const fdWrite = m.i64.ne(m.i64.and(f.get("p5"), m.i64.const(RIGHT_FD_WRITE, 0)), m.i64.const(0, 0));
  return m.i32.or(asks(OFLAGS_CREAT | OFLAGS_TRUNC), m.i32.and(fdWrite, m.i32.eqz(asks(OFLAGS_DIRECTORY))));
}

/** Statements that clear the write rights from the open's base and inheriting rights
 *  when `writable` (i32) is 0. */
export function narrowUnlessWritable(m: binaryen.Module, f: FnBuilder, writable: Expr): Expr {
  const keep = m.i64.const(~WRITE_RIGHTS, -1);
  return m.if(m.i32.eqz(writable), m.block(null, [f.set("p5", m.i64.and(f.get("p5"), keep)), f.set("p6", m.i64.and(f.get("p6"), keep))]));
}
