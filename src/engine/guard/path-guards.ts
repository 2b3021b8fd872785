// Guards of the path calls (path_*): resolve and check each path, then make the real
// call with the checked copy, on the descriptor the mounts map it to.
import { Expr, i32, i64, none, p } from "./ir.js";
import { Operation, Rule } from "./violation-codes.js";
import { Errno } from "../rewrite/wasi-preview1.js";
import { PATH_MAX, S } from "./scratch.js";
import { narrowUnlessWritable, openWrites } from "./open-rights.js";
import { openSlashChecks, openSlashPostCheck, refuseDirectoryLink, slashNamesDirectory, statSlashCheck, twoPathSlashChecks } from "./fs-checks.js";
import { ACCESS_READ, ACCESS_REMOVE, ACCESS_REPLACE, ACCESS_STAT, ACCESS_WRITE, raw, F, G, SLASH, DOT } from "./names.js";

import type { GuardSpec } from "./emitter.js";

/** `slashLookup`: a trailing "/" must name a directory, looked up with these lookup flags. */
const simplePath =
  (op: Operation, access: number, fdArg: number, ptrArg: number, lenArg: number, rawName: string, argCount: number, slashLookup?: number): GuardSpec =>
  (g, f) => {
    const m = f.m;
    const checks = g.resolveAndCheck(f, op, fdArg, ptrArg, lenArg, S.pathA, m.i32.const(access), "");
    if (slashLookup !== undefined) checks.push(...slashNamesDirectory(f, ptrArg, lenArg, m.i32.const(slashLookup)));
    const args = Array.from({ length: argCount }, (_, k) => (k === fdArg ? f.get("rd") : k === ptrArg ? f.get("rp") : k === lenArg ? f.get("rl") : p(f, k)));
    return [g.setupScratch(), ...checks, m.return(g.callRaw(rawName, args))];
  };

export const PATH_GUARDS: Record<string, GuardSpec> = {
  path_open: (g, f) => {
    const m = f.m;
    // (fd, dirflags, path, len, oflags, rights_base i64, rights_inheriting i64, fdflags, fd_out)
    const access = m.if(openWrites(m, f), m.i32.const(ACCESS_WRITE), m.i32.const(ACCESS_READ));
    const dirfdWritable = () => m.i64.ne(m.i64.and(m.global.get(G.fdWrite, i64), m.i64.shl(m.i64.const(1, 0), m.i64.extend_u(p(f, 0)))), m.i64.const(0, 0));
    const absB = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.mapped2));
    const absLen = f.local("abslen");
    const fixed = (buf: Expr, len: Expr) => m.i32.eq(m.call(F.policy, [buf, len, m.i32.const(ACCESS_REMOVE)], i32), m.i32.const(Rule.RESERVED));
    const fixedBit = () => m.i32.wrap(m.i64.and(m.i64.shr_u(m.global.get(G.fdFixed, i64), m.i64.extend_u(p(f, 0))), m.i64.const(1, 0)));
    // the new descriptor's bits from its absolute path (known, or rebuilt below an ancestor)
    const remember = (buf: () => Expr, len: () => Expr) => [
      m.call(F.fdSet, [f.get(newFd), m.i32.const(1), m.call(F.subtreeWritable, [buf(), len()], i32), m.call(F.listingOnly, [buf(), len()], i32)], none),
      m.call(F.fdSetAnc, [f.get(newFd), m.call(F.ancIndex, [buf(), len()], i32), fixed(buf(), len())], none),
    ];
    const [err, newFd] = [f.local("err"), f.local("newfd")];
    const bufA = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.pathA));
    const checks = g.resolveAndCheck(f, "open", 0, 2, 3, S.pathA, access, "");
    return [
      g.setupScratch(),
      ...checks,
      // Allowed to read: a path that is not writable opens without write rights.
      narrowUnlessWritable(
        m,
        f,
        m.if(
          m.global.get(G.relMode, i32),
          m.i32.eqz(m.call(F.fdPolicy, [p(f, 0), bufA(), f.get("n"), m.i32.const(ACCESS_WRITE)], i32)),
          m.i32.eqz(m.call(F.policy, [bufA(), f.get("n"), m.i32.const(ACCESS_WRITE)], i32)),
        ),
      ),
      ...openSlashChecks(f),
      f.set(err, g.callRaw("path_open", [f.get("rd"), p(f, 1), f.get("rp"), f.get("rl"), p(f, 4), p(f, 5), p(f, 6), p(f, 7), p(f, 8)])),
      ...g.followLinks(f, "open", access, err, m.i32.and(p(f, 1), m.i32.const(1)), (dirfd, rp, rl) =>
        g.callRaw("path_open", [dirfd, p(f, 1), rp, rl, p(f, 4), p(f, 5), p(f, 6), p(f, 7), p(f, 8)]),
      ),
      m.if(f.get(err), m.return(f.get(err))),
      // Remember what the new descriptor's subtree allows (read already checked).
      f.set(newFd, m.i32.load(0, 4, p(f, 8))),
      ...openSlashPostCheck(f, newFd, raw("fd_fdstat_get"), raw("fd_close")),
      m.if(
        m.global.get(G.relMode, i32),
        m.if(
          m.call(F.fdAnc, [p(f, 0)], i32),
          m.block(null, [f.set(absLen, m.call(F.fdAbs, [p(f, 0), bufA(), f.get("n"), absB()], i32)), ...remember(absB, () => f.get(absLen))]),
          // below a descriptor with no policy path under it: its access, and "" is itself
          m.block(null, [
            m.call(F.fdSet, [f.get(newFd), m.i32.const(1), dirfdWritable(), m.i32.const(0)], none),
            m.call(F.fdSetAnc, [f.get(newFd), m.i32.const(0), m.i32.and(m.i32.eq(f.get("n"), m.i32.const(2)), fixedBit())], none),
          ]),
        ),
        m.block(
          null,
          remember(bufA, () => f.get("n")),
        ),
      ),
      m.return(m.i32.const(0)),
    ];
  },
  path_filestat_get: (g, f) => {
    const m = f.m;
    // (fd, flags, path, len, filestat): followed like path_open
    const err = f.local("err");
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "stat", 0, 2, 3, S.pathA, m.i32.const(ACCESS_STAT), ""),
      f.set(err, g.callRaw("path_filestat_get", [f.get("rd"), p(f, 1), f.get("rp"), f.get("rl"), p(f, 4)])),
      ...g.followLinks(f, "stat", m.i32.const(ACCESS_STAT), err, m.i32.and(p(f, 1), m.i32.const(1)), (dirfd, rp, rl) =>
        g.callRaw("path_filestat_get", [dirfd, p(f, 1), rp, rl, p(f, 4)]),
      ),
      ...statSlashCheck(f, err, 4),
      m.return(f.get(err)),
    ];
  },
  path_filestat_set_times: simplePath("utimes", ACCESS_WRITE, 0, 2, 3, "path_filestat_set_times", 7, 1),
  path_create_directory: simplePath("mkdir", ACCESS_WRITE, 0, 1, 2, "path_create_directory", 3),
  path_remove_directory: simplePath("rmdir", ACCESS_REMOVE, 0, 1, 2, "path_remove_directory", 3),
  path_unlink_file: simplePath("unlink", ACCESS_REMOVE, 0, 1, 2, "path_unlink_file", 3, 0),
  path_readlink: (g, f) => {
    const m = f.m;
    // (fd, path, len, buf, buf_len, bufused): the SDK's text is read into scratch and
    // an absolute target mapped back to the guest's name for it (see path_symlink).
    const s = () => m.global.get(G.scratch, i32);
    const at = (off: number) => m.i32.add(s(), m.i32.const(off));
    const [err, n, k, dl] = [f.local("err"), f.local("tn"), f.local("k"), f.local("dl")];
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "readlink", 0, 1, 2, S.pathA, m.i32.const(ACCESS_READ), ""),
      f.set(err, g.callRaw("path_readlink", [f.get("rd"), f.get("rp"), f.get("rl"), at(S.mapped2), m.i32.const(PATH_MAX), at(S.u64)])),
      m.if(f.get(err), m.return(f.get(err))),
      f.set(n, m.i32.load(0, 4, at(S.u64))),
      m.if(
        m.i32.and(
          m.i32.and(m.i32.ge_u(f.get(n), m.i32.const(2)), m.i32.eqz(m.global.get(G.relMode, i32))),
          m.i32.and(m.i32.eq(m.i32.load8_u(S.mapped2, 1, s()), m.i32.const(DOT)), m.i32.eq(m.i32.load8_u(S.mapped2 + 1, 1, s()), m.i32.const(SLASH))),
        ),
        // "./rest" stood for an absolute target below the link's directory
        m.block(null, [
          f.set(dl, m.call(F.dirnameLen, [at(S.pathA), f.get("n")], i32)),
          m.call(F.copy, [at(S.pathB), at(S.pathA), f.get(dl)], none),
          m.if(m.i32.eq(f.get(dl), m.i32.const(1)), f.set(dl, m.i32.const(0))),
          m.if(
            m.i32.gt_u(f.get(n), m.i32.const(2)),
            m.block(null, [
              m.i32.store8(0, 1, m.i32.add(at(S.pathB), f.get(dl)), m.i32.const(SLASH)),
              m.call(F.copy, [m.i32.add(m.i32.add(at(S.pathB), f.get(dl)), m.i32.const(1)), at(S.mapped2 + 2), m.i32.sub(f.get(n), m.i32.const(2))], none),
            ]),
          ),
          f.set(
            n,
            m.if(m.i32.gt_u(f.get(n), m.i32.const(2)), m.i32.add(f.get(dl), m.i32.sub(f.get(n), m.i32.const(1))), m.if(f.get(dl), f.get(dl), m.i32.const(1))),
          ),
        ]),
        f.set(n, m.call(F.unmapAbs, [at(S.mapped2), f.get(n), at(S.pathB)], i32)),
      ),
      m.if(
        m.i32.eqz(m.i32.and(m.call(F.inBounds, [p(f, 3), p(f, 4)], i32), m.call(F.inBounds, [p(f, 5), m.i32.const(4)], i32))),
        m.return(m.i32.const(Errno.FAULT)),
      ),
      f.set(k, m.if(m.i32.lt_u(f.get(n), p(f, 4)), f.get(n), p(f, 4))),
      m.call(F.copy, [p(f, 3), at(S.pathB), f.get(k)], none),
      m.i32.store(0, 4, p(f, 5), f.get(k)),
      m.return(m.i32.const(0)),
    ];
  },
  path_rename: (g, f) => {
    const m = f.m;
    // (fd, old, old_len, new_fd, new, new_len)
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "rename", 0, 1, 2, S.pathA, m.i32.const(ACCESS_REMOVE), ""),
      ...g.resolveAndCheck(f, "rename", 3, 4, 5, S.pathB, m.i32.const(ACCESS_REPLACE), "2"),
      ...twoPathSlashChecks(f, [1, 2], [4, 5]),
      m.return(g.callRaw("path_rename", [f.get("rd"), f.get("rp"), f.get("rl"), f.get("rd2"), f.get("rp2"), f.get("rl2")])),
    ];
  },
  path_link: (g, f) => {
    const m = f.m;
    // (old_fd, old_flags, old, old_len, new_fd, new, new_len): the source must be
    // writable too, or a hard link would make a read-only file writable elsewhere.
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "link", 0, 2, 3, S.pathA, m.i32.const(ACCESS_WRITE), ""),
      ...g.resolveAndCheck(f, "link", 4, 5, 6, S.pathB, m.i32.const(ACCESS_REPLACE), "2"),
      ...twoPathSlashChecks(f, [2, 3], [5, 6]),
      ...refuseDirectoryLink(f),
      m.return(g.callRaw("path_link", [f.get("rd"), p(f, 1), f.get("rp"), f.get("rl"), f.get("rd2"), f.get("rp2"), f.get("rl2")])),
    ];
  },
  path_symlink: (g, f) => {
    const m = f.m;
    // (target, target_len, fd, link, link_len): the target is checked as text, then
    // passed on in its normalised copy: relative without a leading "/" (it has no "..",
    // so wherever the link is moved it resolves below its own directory), or absolute,
    // rewritten to the SDK path that stands for it (the SDK resolves targets in its own
    // namespace, where the guest's /workspace is /workspace/home).
    // The SDK follows no absolute target when opening, but does in some calls (rename),
    // so a target at or below the link's own directory is stored relative, marked by a
    // leading "./" (a normalised relative target never has one), which the SDK follows
    // and readlink turns back into the absolute text.
    const bufA = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.pathA));
    const bufB = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.pathB));
    const mappedB = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.mapped2));
    const absolute = m.i32.eq(m.i32.load8_u(0, 1, p(f, 0)), m.i32.const(SLASH));
    const [dlen, start, rest] = [f.local("dlen"), f.local("start"), f.local("rest")];
    return [
      g.setupScratch(),
      ...g.resolveAndCheck(f, "symlink", 2, 3, 4, S.pathA, m.i32.const(ACCESS_REPLACE), ""),
      ...g.symlinkTargetCheck(f, 0, 1),
      f.set(dlen, m.call(F.dirnameLen, [bufA(), f.get("n")], i32)),
      m.if(
        m.i32.and(
          m.i32.and(m.i32.gt_u(p(f, 1), m.i32.const(0)), absolute),
          m.i32.and(m.i32.eqz(m.global.get(G.relMode, i32)), m.call(F.belowDir, [bufB(), f.get("tn"), bufA(), f.get(dlen)], i32)),
        ),
        m.block(null, [
          f.set(start, m.if(m.i32.eq(f.get(dlen), m.i32.const(1)), m.i32.const(1), m.i32.add(f.get(dlen), m.i32.const(1)))),
          f.set(rest, m.if(m.i32.gt_u(f.get("tn"), f.get(start)), m.i32.sub(f.get("tn"), f.get(start)), m.i32.const(0))),
          m.i32.store8(0, 1, mappedB(), m.i32.const(DOT)),
          m.i32.store8(1, 1, mappedB(), m.i32.const(SLASH)),
          m.call(F.copy, [m.i32.add(mappedB(), m.i32.const(2)), m.i32.add(bufB(), f.get(start)), f.get(rest)], none),
          m.return(g.callRaw("path_symlink", [mappedB(), m.i32.add(f.get(rest), m.i32.const(2)), f.get("rd"), f.get("rp"), f.get("rl")])),
        ]),
      ),
      m.if(
        m.i32.and(m.i32.gt_u(p(f, 1), m.i32.const(0)), absolute),
        m.return(g.callRaw("path_symlink", [mappedB(), m.call(F.mapAbs, [bufB(), f.get("tn"), mappedB()], i32), f.get("rd"), f.get("rp"), f.get("rl")])),
      ),
      m.return(g.callRaw("path_symlink", [m.i32.add(bufB(), m.i32.const(1)), m.i32.sub(f.get("tn"), m.i32.const(1)), f.get("rd"), f.get("rp"), f.get("rl")])),
    ];
  },
};
