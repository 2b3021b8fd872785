// fast-check generators: policies, paths, file-system states and call sequences.
import fc from "fast-check";
import { Call, FdRef, LOOKUP_FOLLOW, OFLAGS, RIGHTS, RIGHTS_DIR, RIGHTS_READ, RIGHTS_WRITE } from "./calls.js";
import { ModelPolicy } from "./policy-rules.js";

/** Grant candidates: nested and sibling directories, the mounts, a name that only shares
 *  a prefix with the workdir, an engine-internal name. */
const GRANTS = [
  "/workspace",
  "/workspace/a",
  "/workspace/a/b",
  "/workspace/b",
  "/workspace/home",
  "/tmp",
  "/tmp/a",
  "/etc",
  "/etc/x",
  "/bin",
  "/a",
  "/workspacex",
];

export const policyArb: fc.Arbitrary<ModelPolicy> = fc.record({
  readOnly: fc.oneof({ weight: 5, arbitrary: fc.subarray(GRANTS, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.constant(["/"]).map((r) => [...r]) }),
  readWrite: fc.subarray(GRANTS, { maxLength: 4 }),
  includeWorkdir: fc.boolean(),
  onViolation: fc.constantFrom<"deny" | "trap">("deny", "deny", "deny", "trap"),
});

/** OpenShell's default policy, always in the pool. */
export const DEFAULT_POLICY: ModelPolicy = {
  readOnly: ["/bin", "/usr", "/etc/os-release", "/etc/hostname"],
  readWrite: ["/workspace", "/tmp", "/dev/null"],
  includeWorkdir: true,
  onViolation: "deny",
};

/** A fixed pool of policies (each costs a guard build, ~1 s), from a seed. */
export function policyPool(size: number, seed: number): ModelPolicy[] {
  return [DEFAULT_POLICY, ...fc.sample(policyArb, { numRuns: size - 1, seed })];
}

const NAMES = ["a", "b", "c", "f", "l", "home", "tmp", ".coreason-audit", "workspace", "etc", "bin", "x"];
const ODD = ["a\0b", "\x01", "\x1b[8m", "\xff\xfe", "\xc3\xa9", "\n", "workspacex", "n".repeat(255)];

const component = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 3, arbitrary: fc.constantFrom(".", "..", "") },
  { weight: 1, arbitrary: fc.constantFrom(...ODD) },
);

/** A path relative to a dirfd: components joined by "/", optional leading and trailing "/". */
const shortPath = fc
  .tuple(fc.array(component, { minLength: 0, maxLength: 6 }), fc.boolean(), fc.constantFrom("", "", "", "/", "//"))
  .map(([cs, lead, trail]) => (lead ? "/" : "") + cs.join("/") + trail);

/** Paths that start where the policies grant (so decisions vary), from fd 3/5 ("/"). */
const rootedPath = fc
  .tuple(fc.constantFrom("workspace", "workspace", "tmp", "etc", "bin", "workspacex", "a", "usr", "workspace/la", "workspace/lt", "workspace/l"), shortPath)
  .map(([top, rest]) => (rest === "" ? top : `${top}/${rest.replace(/^\/+/, "")}`));

/** Long and deep paths around the 4096-byte limit. */
const longPath = fc.oneof(
  fc.integer({ min: 2040, max: 2060 }).map((n) => "workspace/" + "a/".repeat(n)),
  fc.integer({ min: 4080, max: 4100 }).map((n) => "workspace/" + "n".repeat(n - 10)),
  fc.integer({ min: 1, max: 40 }).map((n) => "workspace/" + "../".repeat(n) + "etc/passwd"),
  fc.integer({ min: 4090, max: 4100 }).map((n) => "/".repeat(n) + "workspace"),
);

const fdRef: fc.Arbitrary<FdRef> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(3, 5) },
  { weight: 5, arbitrary: fc.constant(4) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 3 }).map((slot) => ({ slot })) },
  { weight: 1, arbitrary: fc.constantFrom(1, 99) },
);

const pathFor = (fd: FdRef) =>
  fd === 3 || fd === 5
    ? fc.oneof({ weight: 10, arbitrary: rootedPath }, { weight: 2, arbitrary: shortPath }, { weight: 1, arbitrary: longPath })
    : fc.oneof({ weight: 10, arbitrary: shortPath }, { weight: 1, arbitrary: longPath });

const at = <T>(f: (fd: FdRef, path: string) => T) => fdRef.chain((fd) => pathFor(fd).map((p) => f(fd, p)));

const OPEN_MODES: [number, number, number, number][] = [
  // lookup, oflags, rights, fdflags
  [LOOKUP_FOLLOW, 0, RIGHTS_READ, 0],
  [LOOKUP_FOLLOW, OFLAGS.DIRECTORY, RIGHTS_DIR, 0],
  [LOOKUP_FOLLOW, OFLAGS.CREAT, RIGHTS_WRITE, 0],
  [LOOKUP_FOLLOW, OFLAGS.CREAT | OFLAGS.EXCL, RIGHTS_WRITE, 0],
  [LOOKUP_FOLLOW, OFLAGS.TRUNC, RIGHTS_WRITE, 0],
  [LOOKUP_FOLLOW, 0, RIGHTS_WRITE, 1],
  [LOOKUP_FOLLOW, 0, RIGHTS_READ | RIGHTS.FD_DATASYNC, 0],
  [0, 0, RIGHTS_READ, 0],
];

const symlinkTarget = fc.oneof(
  { weight: 4, arbitrary: shortPath.filter((p) => !p.startsWith("/")) },
  { weight: 3, arbitrary: rootedPath.map((p) => "/" + p) },
  { weight: 1, arbitrary: fc.constantFrom("..", "../..", "a/../b", "/workspace/../etc", ".") },
);

export const callArb: fc.Arbitrary<Call> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .tuple(
        at((fd, path) => ({ fd, path })),
        fc.constantFrom(...OPEN_MODES),
      )
      .map(([{ fd, path }, [lookup, oflags, rights, fdflags]]): Call => ({ op: "open", fd, path, lookup, oflags, rights, fdflags })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        at((fd, path) => ({ fd, path })),
        fc.constantFrom(0, 1),
      )
      .map(([{ fd, path }, lookup]): Call => ({ op: "stat", fd, path, lookup })),
  },
  { weight: 4, arbitrary: at((fd, path): Call => ({ op: "mkdir", fd, path })) },
  { weight: 2, arbitrary: at((fd, path): Call => ({ op: "rmdir", fd, path })) },
  { weight: 2, arbitrary: at((fd, path): Call => ({ op: "unlink", fd, path })) },
  { weight: 2, arbitrary: at((fd, path): Call => ({ op: "utimes", fd, path })) },
  { weight: 2, arbitrary: at((fd, path): Call => ({ op: "readlink", fd, path })) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        symlinkTarget,
        at((fd, path) => ({ fd, path })),
      )
      .map(([target, { fd, path }]): Call => ({ op: "symlink", target, fd, path })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom<"rename" | "link">("rename", "link"),
        at((fd, path) => ({ fd, path })),
        at((fd, path) => ({ fd, path })),
      )
      .map(([op, a, b]): Call => ({ op, fd: a.fd, path: a.path, fd2: b.fd, path2: b.path })),
  },
  { weight: 2, arbitrary: fdRef.map((fd): Call => ({ op: "readdir", fd })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 }).map((slot): Call => ({ op: "read", fd: { slot } })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom("hi", "data\n", "\0\xff"))
      .map(([slot, data]): Call => ({ op: "write", fd: { slot }, data })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.integer({ min: 0, max: 3 }).map((slot) => ({ slot })),
        fc.constantFrom(3, 4, 5, 99),
      )
      .map((fd): Call => ({ op: "close", fd })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.oneof(
          fc.integer({ min: 0, max: 3 }).map((slot) => ({ slot })),
          fc.constantFrom(3, 4),
        ),
        fc.oneof(
          fc.integer({ min: 0, max: 3 }).map((slot) => ({ slot })),
          fc.constantFrom(4, 5),
        ),
      )
      .map(([fd, to]): Call => ({ op: "renumber", fd, to })),
  },
);

/** A file-system state to start from: directories, files, symlink chains (absolute,
 *  relative, dangling, loops), hard links, built by calls through the guard like any. */
const W = (p: string) => `workspace/${p}`;
const create = (path: string): Call => ({ op: "open", fd: 3, path, lookup: LOOKUP_FOLLOW, oflags: OFLAGS.CREAT, rights: RIGHTS_WRITE, fdflags: 0 });
const setupStep: fc.Arbitrary<Call[]> = fc.oneof(
  fc.constantFrom<Call[]>(
    [
      { op: "mkdir", fd: 3, path: W("a") },
      { op: "mkdir", fd: 3, path: W("a/b") },
    ],
    [create(W("f")), { op: "write", fd: { slot: 0 }, data: "hello" }],
    [{ op: "mkdir", fd: 3, path: "tmp/a" }, create("tmp/a/f")],
    [{ op: "symlink", target: "a", fd: 3, path: W("l") }],
    [
      { op: "mkdir", fd: 3, path: W("a") },
      { op: "symlink", target: "/workspace/a", fd: 3, path: W("la") },
    ],
    [{ op: "symlink", target: "/tmp", fd: 3, path: W("lt") }],
    [
      { op: "symlink", target: "l2", fd: 3, path: W("l1") },
      { op: "symlink", target: "l1", fd: 3, path: W("l2") },
    ],
    [{ op: "symlink", target: "missing", fd: 3, path: W("dangling") }],
    [{ op: "symlink", target: "a/b", fd: 3, path: W("lab") }],
    [{ op: "link", fd: 3, path: W("f"), fd2: 3, path2: W("hard") }],
    [{ op: "rename", fd: 3, path: W("f"), fd2: 3, path2: "tmp/moved" }],
    [{ op: "open", fd: 3, path: W("a"), lookup: LOOKUP_FOLLOW, oflags: OFLAGS.DIRECTORY, rights: RIGHTS_DIR, fdflags: 0 }],
  ),
);

export const caseArb = (pool: number) =>
  fc.record({
    policy: fc.nat({ max: pool - 1 }),
    setup: fc.array(setupStep, { maxLength: 5 }).map((s) => s.flat()),
    calls: fc.array(callArb, { minLength: 1, maxLength: 16 }),
  });

export type Case = { policy: number; setup: Call[]; calls: Call[] };
