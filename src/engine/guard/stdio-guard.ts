// stdio as what it is. @wasmer/sdk reports fds 0-2 as character devices, so a foreign
// module's isatty() (wasi-libc, Rust's std: fd_fdstat_get's filetype) said yes even when
// the CLI's own streams were pipes or files: jq coloured CI logs, bc printed its banner.
// An exec never has a terminal (its stdio are the engine's pipes), so the guard answers
// fd_fdstat_get for fds 0-2 with filetype "unknown", what wasmtime reports for stdio that
// is not a terminal. Flags and rights are the SDK's own. No scratch memory is needed.
import type binaryen from "binaryen";
import { Expr, FnBuilder, i32 } from "./ir.js";

const FILETYPE_UNKNOWN = 0;
const FILETYPE_CHARACTER_DEVICE = 2;
const STDIO_FDS = 3;

/** The body of the fd_fdstat_get guard: (fd, fdstat_ptr) -> errno. */
export function fdstatGuardBody(m: binaryen.Module, f: FnBuilder, rawFdstatGet: string): Expr[] {
  const [fd, out] = [() => f.get("p0"), () => f.get("p1")];
  const err = f.local("err");
  return [
    f.set(err, m.call(rawFdstatGet, [fd(), out()], i32)),
    // The raw call succeeded, so the guest's fdstat (24 bytes at out) is in bounds.
    m.if(
      m.i32.and(
        m.i32.eqz(f.get(err)),
        m.i32.and(m.i32.lt_u(fd(), m.i32.const(STDIO_FDS)), m.i32.eq(m.i32.load8_u(0, 1, out()), m.i32.const(FILETYPE_CHARACTER_DEVICE))),
      ),
      m.i32.store8(0, 1, out(), m.i32.const(FILETYPE_UNKNOWN)),
    ),
    m.return(f.get(err)),
  ];
}
