// The in-module policy guard, generated as binaryen IR.
//
// One guard per path-taking WASI function, built into a template module (template.ts)
// and exported as `guard_<name>`; splice.ts points every call site and table entry of
// the guest's import at it, and only guard code calls the real import (`__cr_raw_<name>`
// in the template). A guard:
//   1. resolves the guest path against the dirfd's preopen name and normalises
//      `.`/`..` into a private copy (the check and the real call both use the copy);
//   2. checks the copy against the policy, which is compiled into code constants
//      (guest code cannot read or patch code, only linear memory);
//   3. on a violation appends a record to the audit file with raw calls and answers
//      EACCES (or traps), otherwise calls the real import with the normalised path.
// Scratch memory is carved below the shadow-stack pointer, like a C local array; no
// guest code runs while a guard does (threads and shared memory are refused).
import type binaryen from "binaryen";
import type { GuardConfig } from "../policy/guard-config.js";
import { bytesEqual, Expr, FnBuilder, i32, none, p } from "./ir.js";
import { opCode, Operation, Rule } from "./violation-codes.js";
import { Errno } from "../rewrite/wasi-preview1.js";
import { PATH_MAX, S } from "./scratch.js";
import { emitFdLabel } from "./fd-guards.js";
import { DescriptorPaths, policyAncestors } from "./fd-paths.js";
import { emitFsChecks } from "./fs-checks.js";
import { ACCESS_WRITE, DEVICE_DIRS, enc, G, GuardMutation, raw, F, SLASH } from "./names.js";
import { emitCopy, emitDeny, emitDirHelpers, emitInBounds, emitPreopenSet, emitRecord, emitRootFd, emitScratch } from "./runtime.js";
import { emitFollow, emitMapAbsolute, emitMounts, emitRootName } from "./follow.js";
import { emitNormalise, emitResolve, emitResolveTracked } from "./resolve.js";
import { emitFdTracking, emitListingOnly, emitPolicy } from "./policy-code.js";
import { GUARDS } from "./guards.js";

/** A guard: its statements, over the emitter's helpers and the function being built. */
export type GuardSpec = (g: GuardEmitter, f: FnBuilder) => Expr[];

export class GuardEmitter {
  readonly cfg: GuardConfig;
  constructor(
    readonly m: binaryen.Module,
    cfg: GuardConfig,
    readonly stackPointer: string,
    /** An immutable global: the lowest address scratch may reach (stack-layout.ts). */
    readonly stackFloor: string,
    readonly mutation?: GuardMutation,
  ) {
    this.cfg = mutation === "swap-access" ? { ...cfg, readOnly: cfg.readWrite, readWrite: cfg.readOnly } : cfg;
  }

  /** Adds globals and helper functions; call once before emitting guards. */
  emitRuntime(): void {
    const m = this.m;
    for (const g of [G.scratch, G.prefixLen, G.minLen, G.sawDotDot, G.relPtr, G.relLen]) m.addGlobal(g, i32, true, m.i32.const(0));
    m.addGlobal(G.rootFd, i32, true, m.i32.const(-1));
    m.addGlobal(G.cwdFd, i32, true, m.i32.const(-1));
    m.addGlobal(G.realFd, i32, true, m.i32.const(-1));
    m.addGlobal(G.preopens, i32, true, m.i32.const(0));
    m.addGlobal(G.rootPreopens, i32, true, m.i32.const(0));
    m.addGlobal(G.dotPreopens, i32, true, m.i32.const(0));
    m.addGlobal(G.relMode, i32, true, m.i32.const(0));
    const fixedPaths = [this.cfg.workdir, ...[...(this.cfg.mounts ?? []), ...(this.cfg.devices ?? [])].map((x) => x.guest)];
    new DescriptorPaths(m, policyAncestors([...this.cfg.readOnly, ...this.cfg.readWrite, ...fixedPaths, ...this.listingOnlyDirs()])).emit();
    emitScratch(this);
    emitInBounds(this);
    emitNormalise(this);
    emitResolve(this);
    emitResolveTracked(this);
    emitPolicy(this);
    emitPreopenSet(this);
    emitRootFd(this);
    emitRecord(this);
    emitDeny(this);
    emitMounts(this);
    emitCopy(this);
    emitDirHelpers(this);
    emitMapAbsolute(this);
    emitFollow(this);
    emitFdTracking(this);
    emitRootName(this);
    emitListingOnly(this);
    emitFdLabel(m);
    emitFsChecks(m, G.scratch, raw);
  }

  /** Statements for a guard whose real call failed with ENOENT (in `err`): follow the
   *  guest path's absolute symlinks in the guard (at most 8), checking each new path
   *  against the policy like the first, and repeat the real call from the root
   *  preopen. `retry` makes the call from rp/rl (the relative path) on `dirfd`. */
  followLinks(f: FnBuilder, op: Operation, access: Expr, err: string, follow: Expr, retry: (dirfd: Expr, rp: Expr, rl: Expr) => Expr): Expr[] {
    const m = this.m;
    if (!this.linkFollowing) return [];
    const s = () => m.global.get(G.scratch, i32);
    const bufA = () => m.i32.add(s(), m.i32.const(S.pathA));
    const bufB = () => m.i32.add(s(), m.i32.const(S.pathB));
    const [hops, nn, rule] = [f.local("hops"), f.local("nn"), f.local("frule")];
    return [
      m.if(
        m.i32.and(m.i32.and(m.i32.eq(f.get(err), m.i32.const(Errno.NOENT)), follow), m.i32.eqz(m.global.get(G.relMode, i32))),
        m.block(null, [
          f.set(hops, m.i32.const(0)),
          f.whileLoop(
            () => m.i32.and(m.i32.lt_u(f.get(hops), m.i32.const(8)), m.i32.eq(f.get(err), m.i32.const(Errno.NOENT))),
            (done) => [
              f.set(hops, m.i32.add(f.get(hops), m.i32.const(1))),
              f.set(nn, m.call(F.follow, [bufA(), f.get("n"), bufB()], i32)),
              m.br(done, m.i32.lt_s(f.get(nn), m.i32.const(0))),
              m.call(F.copy, [bufA(), bufB(), f.get(nn)], none),
              f.set("n", f.get(nn)),
              f.set(rule, m.call(F.policy, [bufA(), f.get("n"), access], i32)),
              m.if(f.get(rule), m.return(this.deny(op, f.get(rule), bufA(), f.get("n")))),
              m.global.set(G.prefixLen, m.i32.const(1)),
              m.global.set(G.relPtr, m.i32.add(bufA(), m.i32.const(1))),
              m.global.set(G.relLen, m.i32.sub(f.get("n"), m.i32.const(1))),
              ...(this.cfg.mounts?.length || this.cfg.devices?.length
                ? [m.call(F.map, [bufA(), f.get("n"), m.i32.add(s(), m.i32.const(S.mapped))], none)]
                : []),
              f.set(err, retry(m.global.get(G.rootFd, i32), m.global.get(G.relPtr, i32), m.global.get(G.relLen, i32))),
            ],
          ),
        ]),
      ),
    ];
  }

  /** Names at the top of the guest's root: what the SDK image has, the FHS names, and
   *  the first component of every grant. A relative path starting with one of them is
   *  taken as absolute by the startInWorkdir rule (wasi-libc strips the "/" of an
   *  absolute path before it picks a preopen, so both arrive alike). */
  rootNames(): string[] {
    const image = [".app", ".private", "bin", "dev", "etc", "tmp", "usr", "workspace"];
    const fhs = ["boot", "home", "lib", "lib32", "lib64", "libx32", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys", "var"];
    const granted = [...this.cfg.readOnly, ...this.cfg.readWrite, this.cfg.workdir].map((p) => p.split("/").filter(Boolean)[0]).filter((x): x is string => !!x);
    return [...new Set([...image, ...fhs, ...granted])].sort();
  }

  /** i32: f's (buf, len) is `root` or lies below it. */
  within(f: FnBuilder, root: string): Expr {
    const m = this.m;
    const buf = () => f.get("buf");
    const len = () => f.get("len");
    if (root === "/") return m.i32.const(1);
    const r = enc(root);
    return m.i32.and(
      m.i32.or(
        m.i32.eq(len(), m.i32.const(r.length)),
        m.i32.and(
          m.i32.gt_u(len(), m.i32.const(r.length)),
          this.mutation === "grant-prefix" ? m.i32.const(1) : m.i32.eq(m.i32.load8_u(r.length, 1, buf()), m.i32.const(SLASH)),
        ),
      ),
      bytesEqual(m, buf, r),
    );
  }

  /** Device directories readable only as a listing: a grant lies below, none above. */
  listingOnlyDirs(): string[] {
    const grants = [...this.cfg.readOnly, ...this.cfg.readWrite];
    return DEVICE_DIRS.filter((d) => grants.some((g) => g.startsWith(d + "/")) && !grants.some((g) => d === g || d.startsWith(g + "/")));
  }

  /** Wraps the `_start` export so __cr_init runs before any guest code. */
  wrapStart(startName: string): string {
    const m = this.m;
    const f = new FnBuilder(m, F.start, [], none);
    f.finish([m.call(F.init, [], none), m.call(startName, [], none)]);
    return F.start;
  }

  // ---- guards -------------------------------------------------------------------

  /** Whether `name` gets a guard under this configuration. */
  guards(name: string): boolean {
    return name in GUARDS && !(name.startsWith("sock_") && this.cfg.network !== "disabled");
  }

  /** Off while emitting the `guardlite_` variants: guards that follow no link in the
   *  guard, for a module that does not import path_readlink (it would be one more
   *  import, which costs the SDK work on every run). */
  linkFollowing = true;

  /** Emits the guard for `name` as the function `internalName` (`guard_<name>`). */
  emitGuard(name: string, internalName: string, params: number[]): boolean {
    const spec = GUARDS[name];
    if (!spec) return false;
    if (name.startsWith("sock_") && this.cfg.network !== "disabled") return false;
    const m = this.m;
    const f = new FnBuilder(
      m,
      internalName,
      params.map((t, k) => [`p${k}`, t] as [string, number]),
      i32,
    );
    f.finish(spec(this, f));
    return true;
  }

  /** Statements shared by every path guard: set up scratch, resolve (fd, path) into
   *  `out`, check `access`; leaves the relative path in locals rp/rl. */
  resolveAndCheck(f: FnBuilder, op: Operation, fdArg: number, ptrArg: number, lenArg: number, out: number, access: Expr, suffix: string): Expr[] {
    const m = this.m;
    const [fd, ptr, len] = [() => p(f, fdArg), () => p(f, ptrArg), () => p(f, lenArg)];
    const [n, rule, rp, rl, rd] = [f.local(`n${suffix}`), f.local(`rule${suffix}`), f.local(`rp${suffix}`), f.local(`rl${suffix}`), f.local(`rd${suffix}`)];
    const buf = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(out));
    return [
      f.set(n, m.call(F.resolve, [fd(), ptr(), len(), buf()], i32)),
      m.if(m.i32.le_s(f.get(n), m.i32.const(-1000)), m.return(this.deny(op, m.i32.sub(m.i32.const(-1000), f.get(n)), ptr(), len()))),
      m.if(m.i32.lt_s(f.get(n), m.i32.const(0)), m.return(m.i32.sub(m.i32.const(0), f.get(n)))),
      f.set(rp, m.global.get(G.relPtr, i32)),
      f.set(rl, m.global.get(G.relLen, i32)),
      f.set(
        rule,
        m.if(m.global.get(G.relMode, i32), m.call(F.fdPolicy, [fd(), buf(), f.get(n), access], i32), m.call(F.policy, [buf(), f.get(n), access], i32)),
      ),
      m.if(m.i32.ne(f.get(rule), m.i32.const(0)), m.return(this.deny(op, f.get(rule), buf(), f.get(n)))),
      ...(this.cfg.mounts?.length
        ? [
            m.global.set(G.relPtr, f.get(rp)),
            m.global.set(G.relLen, f.get(rl)),
            m.call(F.map, [buf(), f.get(n), m.i32.add(m.global.get(G.scratch, i32), m.i32.const(out === S.pathA ? S.mapped : S.mapped2))], none),
            f.set(rp, m.global.get(G.relPtr, i32)),
            f.set(rl, m.global.get(G.relLen, i32)),
          ]
        : []),
      // the descriptor the real call is made on (the root preopen for a mapped workdir path)
      f.set(rd, m.global.get(G.realFd, i32)),
    ];
  }

  setupScratch(): Expr {
    const m = this.m;
    return m.block(null, [
      m.global.set(G.scratch, m.call(F.scratchBase, [], i32)),
      m.if(m.i32.eqz(m.global.get(G.scratch, i32)), m.return(m.i32.const(Errno.NOMEM))),
    ]);
  }

  deny(op: Operation, rule: Expr, buf: Expr, len: Expr): Expr {
    return this.m.call(F.deny, [this.m.i32.const(opCode(op)), rule, buf, len, this.m.i32.const(Errno.ACCES)], i32);
  }

  denyNoPath(op: Operation, rule: number, errno: number): Expr {
    const m = this.m;
    return m.call(F.deny, [m.i32.const(opCode(op)), m.i32.const(rule), m.i32.const(0), m.i32.const(0), m.i32.const(errno)], i32);
  }

  callRaw(name: string, args: Expr[]): Expr {
    return this.m.call(raw(name), args, i32);
  }

  symlinkTargetCheck(f: FnBuilder, ptrArg: number, lenArg: number): Expr[] {
    const [ptr, len] = [() => p(f, ptrArg), () => p(f, lenArg)];
    // Targets may not contain ".." (resolution would leave the lexical view) and an
    // absolute target must lie in a read-write root; both also checked for reserved names.
    const m = this.m;
    const [n, rule] = [f.local("tn"), f.local("trule")];
    const bufB = () => m.i32.add(m.global.get(G.scratch, i32), m.i32.const(S.pathB));
    const checked = this.mutation !== "symlink-unchecked";
    return [
      m.if(m.i32.or(m.i32.gt_u(len(), m.i32.const(PATH_MAX)), m.i32.eqz(m.call(F.inBounds, [ptr(), len()], i32))), m.return(m.i32.const(Errno.FAULT))),
      m.i32.store8(0, 1, bufB(), m.i32.const(SLASH)),
      m.global.set(G.sawDotDot, m.i32.const(0)),
      m.global.set(G.minLen, m.i32.const(1)),
      f.set(n, m.call(F.norm, [bufB(), m.i32.const(1), ptr(), len()], i32)),
      m.if(m.i32.lt_s(f.get(n), m.i32.const(0)), m.return(m.i32.const(Errno.NAMETOOLONG))),
      m.if(
        m.i32.and(m.i32.const(checked ? 1 : 0), m.global.get(G.sawDotDot, i32)),
        m.return(this.deny("symlink", m.i32.const(Rule.SYMLINK_TARGET), bufB(), f.get(n))),
      ),
      f.set(rule, m.call(F.policy, [bufB(), f.get(n), m.i32.const(ACCESS_WRITE)], i32)),
      m.if(
        m.i32.and(
          m.i32.const(checked ? 1 : 0),
          m.i32.or(
            m.i32.eq(f.get(rule), m.i32.const(Rule.RESERVED)),
            m.i32.and(m.i32.ne(f.get(rule), m.i32.const(0)), m.i32.eq(m.i32.load8_u(0, 1, ptr()), m.i32.const(SLASH))),
          ),
        ),
        m.return(this.deny("symlink", m.i32.const(Rule.SYMLINK_TARGET), bufB(), f.get(n))),
      ),
    ];
  }
}
