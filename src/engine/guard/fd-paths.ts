// Where a descriptor the guest opened lies, as much as the policy needs. The guard keeps
// no path per descriptor (nothing the guest cannot reach could hold one), but the policy
// only tells paths apart near its own paths: below a directory D with no policy path
// strictly below it, every path has D's access; and the directories that do have one
// (the strict ancestors of the policy's paths) are finitely many and known when the
// guard is built. So each descriptor remembers which of those ancestors it is (an index,
// in bit planes of i64 globals, one bit per descriptor below 64) and whether it is itself
// engine structure (the workdir, a mount: it cannot be removed or replaced). A path below
// an ancestor is rebuilt in full and decided by the policy like any absolute path; one
// below any other descriptor by the descriptor's own bits.
import type binaryen from "binaryen";
import { bytesEqual, Expr, FnBuilder, i32, i64, none, storeBytes, i32Params } from "./ir.js";
import { PATH_MAX } from "./scratch.js";
import { enc, F, G, SLASH } from "./names.js";

/** Descriptors below this are tracked, one bit each in i64 globals. */
export const TRACKED_FDS = 64;
/** A rebuilt path longer than this is cut, its last byte made "/": the policy compares
 *  no more than PATH_MAX + 1 bytes, and a cut path can then equal none of its paths. */
const REBUILT_MAX = PATH_MAX + 2;
const MAX_PLANES = 16;

/** The strict ancestors of the policy's paths, "/" included, in a fixed order. */
export function policyAncestors(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const comps = p.split("/").filter(Boolean);
    for (let k = 0; k < comps.length; k++) out.add("/" + comps.slice(0, k).join("/"));
  }
  return [...out].sort();
}

export const FD_BITS = { read: G.fdRead, write: G.fdWrite, list: G.fdList, fixed: G.fdFixed } as const;
/** Descriptors the guest closed (until one is opened again with that number): the SDK
 *  keeps answering fd_fdstat_get on a closed descriptor on "/", which must still be
 *  EBADF to a path call, not "not a preopen". */
const CLOSED = G.fdClosed;
const plane = (b: number) => `__cr_fd_anc${b}`;

export class DescriptorPaths {
  private readonly planes: number;
  constructor(
    private readonly m: binaryen.Module,
    private readonly ancestors: string[],
  ) {
    this.planes = Math.max(1, Math.ceil(Math.log2(ancestors.length + 1)));
    if (this.planes > MAX_PLANES) throw new Error(`policy too large for the guard: ${ancestors.length} directories above its paths`);
  }

  /** Every per-descriptor bit global (renumber moves them all, close clears them). */
  get bitGlobals(): string[] {
    return [...Object.values(FD_BITS), ...Array.from({ length: this.planes }, (_, b) => plane(b))];
  }

  emit(): void {
    const m = this.m;
    for (const g of [...this.bitGlobals, CLOSED]) m.addGlobal(g, i64, true, m.i64.const(0, 0));
    this.emitIndex();
    this.emitGetSet();
    this.emitRebuild();
  }

  /** `__cr_anc_index(buf, len) -> k`: 1 + the ancestor's position, or 0. */
  private emitIndex() {
    const m = this.m;
    const f = new FnBuilder(m, F.ancIndex, i32Params("buf", "len"), i32);
    const body: Expr[] = this.ancestors.map((a, i) => {
      const b = enc(a);
      return m.if(
        m.i32.and(
          m.i32.eq(f.get("len"), m.i32.const(b.length)),
          bytesEqual(m, () => f.get("buf"), b),
        ),
        m.return(m.i32.const(i + 1)),
      );
    });
    f.finish([...body, m.return(m.i32.const(0))]);
  }

  /** `__cr_fd_anc(fd) -> k`, `__cr_fd_set_anc(fd, k, fixed)` and `__cr_fd_move(from, to)`
   *  (every bit of `from` to `to`, `from` cleared; to = -1 only clears). */
  private emitGetSet() {
    const m = this.m;
    const bitOf = (fd: Expr) => m.i64.shl(m.i64.const(1, 0), m.i64.extend_u(fd));
    const small = (fd: Expr) => m.i32.lt_u(fd, m.i32.const(TRACKED_FDS));
    const bitAt = (g: string, fd: Expr) => m.i32.wrap(m.i64.and(m.i64.shr_u(m.global.get(g, i64), m.i64.extend_u(fd)), m.i64.const(1, 0)));
    const assign = (g: string, fd: () => Expr, on: Expr) =>
      m.global.set(g, m.if(on, m.i64.or(m.global.get(g, i64), bitOf(fd())), m.i64.and(m.global.get(g, i64), m.i64.xor(bitOf(fd()), m.i64.const(-1, -1)))));

    const get = new FnBuilder(m, F.fdAnc, [["fd", i32]], i32);
    const k = get.local("k");
    get.finish([
      m.if(m.i32.eqz(small(get.get("fd"))), m.return(m.i32.const(0))),
      get.set(k, m.i32.const(0)),
      ...Array.from({ length: this.planes }, (_, b) => get.set(k, m.i32.or(get.get(k), m.i32.shl(bitAt(plane(b), get.get("fd")), m.i32.const(b))))),
      m.return(get.get(k)),
    ]);

    const set = new FnBuilder(m, F.fdSetAnc, i32Params("fd", "k", "fixed"), none);
    set.finish([
      m.if(m.i32.eqz(small(set.get("fd"))), m.return()),
      ...Array.from({ length: this.planes }, (_, b) =>
        assign(plane(b), () => set.get("fd"), m.i32.and(m.i32.shr_u(set.get("k"), m.i32.const(b)), m.i32.const(1))),
      ),
      assign(FD_BITS.fixed, () => set.get("fd"), set.get("fixed")),
      assign(CLOSED, () => set.get("fd"), m.i32.const(0)),
    ]);

    // __cr_fd_closed(fd) -> 1|0, and __cr_fd_close(fd): forget fd's bits, mark it closed
    const closed = new FnBuilder(m, F.fdClosed, [["fd", i32]], i32);
    closed.finish([m.return(m.if(small(closed.get("fd")), bitAt(CLOSED, closed.get("fd")), m.i32.const(0)))]);
    const close = new FnBuilder(m, F.fdClose, [["fd", i32]], none);
    close.finish([
      m.call(F.fdMove, [close.get("fd"), m.i32.const(-1)], none),
      m.if(
        small(close.get("fd")),
        assign(CLOSED, () => close.get("fd"), m.i32.const(1)),
      ),
    ]);

    const mv = new FnBuilder(m, F.fdMove, i32Params("from", "to"), none);
    const bits = this.bitGlobals.map((_, j) => mv.local(`b${j}`));
    mv.finish([
      ...this.bitGlobals.map((g, j) => mv.set(bits[j], m.if(small(mv.get("from")), bitAt(g, mv.get("from")), m.i32.const(0)))),
      m.if(
        small(mv.get("from")),
        m.block(
          null,
          this.bitGlobals.map((g) => assign(g, () => mv.get("from"), m.i32.const(0))),
        ),
      ),
      m.if(
        small(mv.get("to")),
        m.block(null, [...this.bitGlobals.map((g, j) => assign(g, () => mv.get("to"), mv.get(bits[j]))), assign(CLOSED, () => mv.get("to"), m.i32.const(0))]),
      ),
    ]);
  }

  /** `__cr_fd_abs(fd, buf, len, out) -> len'`: the absolute guest path of (buf, len), a
   *  path "/#/rest" resolved below the descriptor, when the descriptor is an ancestor. */
  private emitRebuild() {
    const m = this.m;
    const f = new FnBuilder(m, F.fdAbs, i32Params("fd", "buf", "len", "out"), i32);
    const [k, o, n] = [f.local("k"), f.local("o"), f.local("n")];
    const out = () => f.get("out");
    const body: Expr[] = [f.set(k, m.call(F.fdAnc, [f.get("fd")], i32)), f.set(o, m.i32.const(0))];
    this.ancestors.forEach((a, i) => {
      if (a === "/") return; // "/" is the rest itself
      const b = enc(a);
      body.push(m.if(m.i32.eq(f.get(k), m.i32.const(i + 1)), m.block(null, [...storeBytes(m, out, b), f.set(o, m.i32.const(b.length))])));
    });
    body.push(
      f.set(n, m.i32.sub(f.get("len"), m.i32.const(2))),
      m.if(
        m.i32.gt_u(m.i32.add(f.get(o), f.get(n)), m.i32.const(REBUILT_MAX)),
        m.block(null, [
          m.call(F.copy, [m.i32.add(out(), f.get(o)), m.i32.add(f.get("buf"), m.i32.const(2)), m.i32.sub(m.i32.const(REBUILT_MAX), f.get(o))], none),
          m.i32.store8(REBUILT_MAX - 1, 1, out(), m.i32.const(SLASH)),
          m.return(m.i32.const(REBUILT_MAX)),
        ]),
      ),
      m.call(F.copy, [m.i32.add(out(), f.get(o)), m.i32.add(f.get("buf"), m.i32.const(2)), f.get(n)], none),
      f.set(o, m.i32.add(f.get(o), f.get(n))),
      m.if(m.i32.eqz(f.get(o)), m.block(null, [m.i32.store8(0, 1, out(), m.i32.const(SLASH)), f.set(o, m.i32.const(1))])),
      m.return(f.get(o)),
    );
    f.finish(body);
  }
}
