// Where a resolved path leads: the mounts' backing paths, the absolute symlinks the
// guard follows itself (mapped back into the enclave's image), and the root names.
import { bytesEqual, Expr, FnBuilder, i32, none, storeBytes, i32Params } from "./ir.js";
import { PATH_MAX, S } from "./scratch.js";
import { enc, G, raw, F, SLASH, DOT } from "./names.js";
import type { GuardEmitter } from "./emitter.js";

/** `__cr_map(buf, len)`: if the path lies in a mount, point relPtr/relLen at the
 *  same path under the mount's backing directory (checked paths stay guest paths). */
export function emitMounts(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.map, i32Params("buf", "len", "dest"), none);
  const k = f.local("k");
  const wd = e.cfg.workdir;
  const wdBytes = enc(wd);
  const prefixLen = () => m.global.get(G.prefixLen, i32);
  // The real call is relative to the dirfd's preopen: "/" (fd 3, 5) or the workdir (fd 4).
  const viaRoot = () => m.i32.eq(prefixLen(), m.i32.const(1));
  const viaWorkdir = () =>
    m.i32.and(
      m.i32.eq(prefixLen(), m.i32.const(wdBytes.length)),
      bytesEqual(m, () => f.get("buf"), wdBytes),
    );
  const rewrite = (guest: Uint8Array, backingRel: Uint8Array): Expr =>
    m.block(null, [
      ...storeBytes(m, () => f.get("dest"), backingRel),
      f.set(k, m.i32.const(guest.length)),
      f.whileLoop(
        () => m.i32.lt_u(f.get(k), f.get("len")),
        () => [
          m.i32.store8(
            0,
            1,
            m.i32.add(m.i32.add(f.get("dest"), f.get(k)), m.i32.const(backingRel.length - guest.length)),
            m.i32.load8_u(0, 1, m.i32.add(f.get("buf"), f.get(k))),
          ),
          f.set(k, m.i32.add(f.get(k), m.i32.const(1))),
        ],
      ),
      m.global.set(G.relPtr, f.get("dest")),
      m.global.set(G.relLen, m.i32.add(m.i32.const(backingRel.length - guest.length), f.get("len"))),
      m.return(),
    ]);
  const body: Expr[] = [m.if(m.global.get(G.relMode, i32), m.return())];
  for (const mount of [...(e.cfg.mounts ?? []), ...(e.cfg.devices ?? [])]) {
    const guest = enc(mount.guest);
    const fromRoot = enc(mount.backing.replace(/^\/+/, ""));
    body.push(m.if(m.i32.and(e.within(f, mount.guest), viaRoot()), rewrite(guest, fromRoot)));
    if (mount.backing.startsWith(wd + "/") && (e.cfg.mounts ?? []).includes(mount)) {
      // wasmer keeps hard links per view: one made through the workdir preopen is not
      // seen through "/" and back, so the real call goes through the root preopen
      // whenever there is one (one view of the backing directories for every call)
      const fromWorkdir = enc(mount.backing.slice(wd.length + 1));
      const root = () => m.global.get(G.rootFd, i32);
      const viaRootPreopen = m.block(null, [m.global.set(G.realFd, root()), rewrite(guest, fromRoot)]);
      body.push(m.if(m.i32.and(e.within(f, mount.guest), viaWorkdir()), m.if(m.i32.ge_s(root(), m.i32.const(0)), viaRootPreopen, rewrite(guest, fromWorkdir))));
    }
  }
  f.finish(body);
}

/** `__cr_follow(buf, len, out) -> len | -1`: the first component of the guest path
 *  (buf, len) that is a symlink replaced by its target (an absolute one mapped back to
 *  the guest's name; a relative one, which never has "..", joined to the link's
 *  directory), in out; -1 when there is none. The SDK follows no absolute target when
 *  opening, nor a relative link to one. Uses the second mapped area for the text. */
export function emitFollow(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.follow, i32Params("buf", "len", "out"), i32);
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
          () => m.i32.and(m.i32.lt_u(f.get(i), f.get("len")), m.i32.ne(m.i32.load8_u(0, 1, m.i32.add(f.get("buf"), f.get(i))), m.i32.const(SLASH))),
          () => [f.set(i, m.i32.add(f.get(i), m.i32.const(1)))],
        ),
        f.set(mlen, m.call(F.mapAbs, [f.get("buf"), f.get(i), f.get("out")], i32)),
        m.if(
          m.i32.and(
            m.i32.eqz(
              m.call(
                raw("path_readlink"),
                [
                  root(),
                  m.i32.add(f.get("out"), m.i32.const(1)),
                  m.i32.sub(f.get(mlen), m.i32.const(1)),
                  link(),
                  m.i32.const(PATH_MAX),
                  m.i32.add(s(), m.i32.const(S.u64)),
                ],
                i32,
              ),
            ),
            m.i32.gt_u(m.i32.load(S.u64, 4, s()), m.i32.const(0)),
          ),
          m.block(null, [
            f.set(t, m.i32.load(S.u64, 4, s())),
            m.if(m.i32.gt_u(m.i32.add(m.i32.add(f.get(t), f.get(i)), m.i32.sub(f.get("len"), f.get(i))), m.i32.const(PATH_MAX - 1)), m.return(m.i32.const(-1))),
            m.if(
              m.i32.eq(linkAt(0), m.i32.const(SLASH)),
              m.block(null, [
                f.set(u, m.call(F.unmapAbs, [link(), f.get(t), f.get("out")], i32)),
                m.call(F.copy, [m.i32.add(f.get("out"), f.get(u)), m.i32.add(f.get("buf"), f.get(i)), m.i32.sub(f.get("len"), f.get(i))], none),
                m.return(m.i32.add(f.get(u), m.i32.sub(f.get("len"), f.get(i)))),
              ]),
            ),
            // relative: the link's directory, "/", the target (without a "./"), the rest
            f.set(d, m.call(F.dirnameLen, [f.get("buf"), f.get(i)], i32)),
            m.call(F.copy, [f.get("out"), f.get("buf"), f.get(d)], none),
            f.set(o, m.if(m.i32.eq(f.get(d), m.i32.const(1)), m.i32.const(0), f.get(d))),
            f.set(
              st,
              m.if(
                m.i32.and(m.i32.ge_u(f.get(t), m.i32.const(2)), m.i32.and(m.i32.eq(linkAt(0), m.i32.const(DOT)), m.i32.eq(linkAt(1), m.i32.const(SLASH)))),
                m.i32.const(2),
                m.i32.const(0),
              ),
            ),
            m.if(
              m.i32.gt_u(f.get(t), f.get(st)),
              m.block(null, [
                m.i32.store8(0, 1, m.i32.add(f.get("out"), f.get(o)), m.i32.const(SLASH)),
                m.call(
                  F.copy,
                  [m.i32.add(m.i32.add(f.get("out"), f.get(o)), m.i32.const(1)), m.i32.add(link(), f.get(st)), m.i32.sub(f.get(t), f.get(st))],
                  none,
                ),
                f.set(o, m.i32.add(f.get(o), m.i32.add(m.i32.const(1), m.i32.sub(f.get(t), f.get(st))))),
              ]),
            ),
            m.call(F.copy, [m.i32.add(f.get("out"), f.get(o)), m.i32.add(f.get("buf"), f.get(i)), m.i32.sub(f.get("len"), f.get(i))], none),
            f.set(o, m.i32.add(f.get(o), m.i32.sub(f.get("len"), f.get(i)))),
            m.if(m.i32.eqz(f.get(o)), m.block(null, [m.i32.store8(0, 1, f.get("out"), m.i32.const(SLASH)), f.set(o, m.i32.const(1))])),
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

/** `__cr_map_abs(buf, len, dest) -> len'` and `__cr_unmap_abs(...)`: an absolute
 *  guest path rewritten into dest as the SDK path it is stored at (a symlink's target,
 *  which the SDK resolves in its own namespace), and back (readlink). Only directory
 *  mounts map back: a device alias is a second name, not the stored one. */
export function emitMapAbsolute(e: GuardEmitter) {
  const m = e.m;
  const emit = (name: string, pairs: [string, string][]) => {
    const f = new FnBuilder(m, name, i32Params("buf", "len", "dest"), i32);
    const copyTo = (at: number, from: Expr, n: Expr) => m.call(F.copy, [m.i32.add(f.get("dest"), m.i32.const(at)), from, n], none);
    const body: Expr[] = [];
    for (const [from, to] of pairs) {
      const a = enc(from);
      const b = enc(to);
      body.push(
        m.if(
          e.within(f, from),
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
  const mounts = e.cfg.mounts ?? [];
  // longest first, so a nested mount wins over its parent
  const byLength = (xs: [string, string][]) => xs.sort((x, y) => y[0].length - x[0].length);
  emit(F.mapAbs, byLength([...mounts, ...(e.cfg.devices ?? [])].map((x) => [x.guest, x.backing])));
  emit(F.unmapAbs, byLength(mounts.map((x) => [x.backing, x.guest])));
}

/** `__cr_root_name(ptr, len) -> 1|0`: the path's first component is a root name. */
export function emitRootName(e: GuardEmitter) {
  const m = e.m;
  const f = new FnBuilder(m, F.rootName, i32Params("ptr", "len"), i32);
  const c = f.local("c");
  const body: Expr[] = [
    f.set(c, m.i32.const(0)),
    f.whileLoop(
      () => m.i32.and(m.i32.lt_u(f.get(c), f.get("len")), m.i32.ne(m.i32.load8_u(0, 1, m.i32.add(f.get("ptr"), f.get(c))), m.i32.const(SLASH))),
      () => [f.set(c, m.i32.add(f.get(c), m.i32.const(1)))],
    ),
  ];
  for (const name of e.rootNames()) {
    const b = enc(name);
    body.push(
      m.if(
        m.i32.and(
          m.i32.eq(f.get(c), m.i32.const(b.length)),
          bytesEqual(m, () => f.get("ptr"), b),
        ),
        m.return(m.i32.const(1)),
      ),
    );
  }
  body.push(m.return(m.i32.const(0)));
  f.finish(body);
}
