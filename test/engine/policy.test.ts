// One safe baseline, one field changed per case; each refused with its JSON pointer.
import { expect } from "chai";
import { checkedPolicy, guardConfig, parsePolicyText, policyViolations, restrictiveDefaultPolicy } from "../../src/engine/policy/policy.js";
import { EngineError } from "../../src/engine/errors.js";
import { ENCLAVE_DEFAULTS } from "../../src/engine/policy/defaults.js";

const baseline = () => ({
  version: 1,
  filesystem_policy: { include_workdir: true, read_only: ["/bin", "/etc/os-release"], read_write: ["/workspace", "/tmp"] },
  network: { mode: "disabled" },
  limits: { memory_pages: 128, timeout_ms: 1000, output_bytes: 4096 },
  on_violation: "deny",
});
type P = ReturnType<typeof baseline> & Record<string, unknown>;
const many = (n: number) => Array.from({ length: n }, (_, i) => `/p${i}`);

const CASES: [string, (p: P) => unknown, RegExp][] = [
  ["version 2", (p) => ({ ...p, version: 2 }), /^\/version: must be 1$/],
  ["version as a string", (p) => ({ ...p, version: "1" }), /^\/version: must be 1$/],
  ["no version", ({ version: _v, ...p }) => p, /^\/: must have required property 'version'$/],
  ["no filesystem_policy", ({ filesystem_policy: _f, ...p }) => p, /must have required property 'filesystem_policy'/],
  ["filesystem_policy a list", (p) => ({ ...p, filesystem_policy: [] }), /^\/filesystem_policy: must be object$/],
  [
    "read_only a string",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_only: "/bin" } }),
    /^\/filesystem_policy\/read_only: must be array$/,
  ],
  [
    "read_write entry a number",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_write: [42] } }),
    /^\/filesystem_policy\/read_write\/0: must be string$/,
  ],
  [
    "empty path",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_only: [""] } }),
    /^\/filesystem_policy\/read_only\/0: must NOT have fewer than 1 characters$/,
  ],
  [
    "relative read_only path",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_only: ["bin"] } }),
    /^\/filesystem_policy\/read_only\/0: must be an absolute path/,
  ],
  [
    "relative read_write path",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_write: ["./data"] } }),
    /^\/filesystem_policy\/read_write\/0: must be an absolute path/,
  ],
  [
    "'..' in read_only",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_only: ["/bin/../etc"] } }),
    /^\/filesystem_policy\/read_only\/0: must not contain '\.\.'/,
  ],
  [
    "'..' in read_write",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_write: ["/workspace/.."] } }),
    /^\/filesystem_policy\/read_write\/0: must not contain '\.\.'/,
  ],
  [
    "read_write /",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_write: ["/"] } }),
    /^\/filesystem_policy\/read_write\/0: must not be "\/"/,
  ],
  [
    "read_write //",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_write: ["//"] } }),
    /^\/filesystem_policy\/read_write\/0: must not be "\/"/,
  ],
  [
    "read_write /./",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_write: ["/./"] } }),
    /^\/filesystem_policy\/read_write\/0: must not be "\/"/,
  ],
  [
    "NUL in a path",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_only: ["/bin\u0000x"] } }),
    /^\/filesystem_policy\/read_only\/0: must not contain a NUL byte/,
  ],
  [
    "257 read_only paths",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_only: many(257) } }),
    /^\/filesystem_policy\/read_only: must NOT have more than 256 items$/,
  ],
  [
    "300 paths in both lists",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_only: many(150), read_write: many(150) } }),
    /^\/filesystem_policy: at most 256 paths/,
  ],
  [
    "a 4097-character path",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_only: ["/" + "a".repeat(4096)] } }),
    /^\/filesystem_policy\/read_only\/0: must NOT have more than 4096 characters$/,
  ],
  [
    "include_workdir a string",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, include_workdir: "yes" } }),
    /^\/filesystem_policy\/include_workdir: must be boolean$/,
  ],
  [
    "unknown filesystem key",
    (p) => ({ ...p, filesystem_policy: { ...p.filesystem_policy, read_execute: ["/bin"] } }),
    /^\/filesystem_policy: unknown field 'read_execute'$/,
  ],
  ["unknown top-level key", (p) => ({ ...p, process: { run_as_user: "root" } }), /^\/: unknown field 'process'$/],
  ["network mode host", (p) => ({ ...p, network: { mode: "host" } }), /^\/network\/mode: must be one of "disabled"$/],
  ["network without mode", (p) => ({ ...p, network: {} }), /^\/network: must have required property 'mode'$/],
  ["memory_pages 0", (p) => ({ ...p, limits: { memory_pages: 0 } }), /^\/limits\/memory_pages: must be >= 1$/],
  ["memory_pages 70000", (p) => ({ ...p, limits: { memory_pages: 70000 } }), /^\/limits\/memory_pages: must be <= 65536$/],
  ["memory_pages 1.5", (p) => ({ ...p, limits: { memory_pages: 1.5 } }), /^\/limits\/memory_pages: must be integer$/],
  ["timeout_ms negative", (p) => ({ ...p, limits: { timeout_ms: -1 } }), /^\/limits\/timeout_ms: must be >= 1$/],
  ["output_bytes a string", (p) => ({ ...p, limits: { output_bytes: "1MB" } }), /^\/limits\/output_bytes: must be integer$/],
  ["unknown limit", (p) => ({ ...p, limits: { cpu_ms: 5 } }), /^\/limits: unknown field 'cpu_ms'$/],
  ["on_violation kill", (p) => ({ ...p, on_violation: "kill" }), /^\/on_violation: must be one of "deny", "trap"$/],
  ["the whole policy a string", () => "version: 1", /^\/: must be object$/],
];

describe("policy validation", () => {
  it("accepts the baseline, the OpenShell default and the deny-all default", () => {
    expect(policyViolations(baseline())).to.deep.equal([]);
    expect(policyViolations(restrictiveDefaultPolicy())).to.deep.equal([]);
  });

  it(`has at least 30 malformed cases`, () => expect(CASES.length).to.be.at.least(30));

  for (const [name, mutate, pointer] of CASES) {
    it(`refuses ${name}, naming the pointer`, () => {
      const violations = policyViolations(mutate(baseline() as P));
      expect(violations.length, "violations").to.be.at.least(1);
      expect(
        violations.some((v) => pointer.test(v)),
        violations.join("; "),
      ).to.equal(true);
    });
  }

  it("reports every violation, not only the first", () => {
    const p = { ...baseline(), filesystem_policy: { read_only: ["rel", "/a/../b"], read_write: ["/"] } };
    expect(policyViolations(p)).to.have.length(3);
    expect(() => checkedPolicy(p, "x.yaml")).to.throw(EngineError, /policy x\.yaml invalid: .*read_only\/0.*; .*read_only\/1.*; .*read_write\/0/);
  });

  it("parses YAML and JSON, and names a syntax error", () => {
    expect(parsePolicyText('{"version": 1}', "a.json")).to.deep.equal({ version: 1 });
    expect(parsePolicyText("version: 1\n", "a.yaml")).to.deep.equal({ version: 1 });
    expect(() => parsePolicyText("version: [1\n", "b.yaml")).to.throw(EngineError, /policy b\.yaml: not valid YAML or JSON/);
  });

  it("grants the workdir unless include_workdir is false, and backs /tmp by the workdir", () => {
    const g = guardConfig(checkedPolicy({ version: 1, filesystem_policy: { read_write: ["/tmp"] } }, "p"), "/workspace");
    expect(g.readWrite).to.deep.equal(["/tmp", "/workspace"]);
    expect(g.mounts).to.deep.equal([
      { guest: "/workspace", backing: "/workspace/home" },
      { guest: "/tmp", backing: "/workspace/tmp" },
    ]);
    expect(guardConfig(checkedPolicy({ version: 1, filesystem_policy: { include_workdir: false } }, "p"), "/workspace").readWrite).to.deep.equal([]);
  });

  it("an empty policy gets exactly the defaults list: the workdir, deny, no network, the device names", () => {
    const g = guardConfig(checkedPolicy({ version: 1, filesystem_policy: {} }, "p"), "/workspace");
    expect(g.readOnly).to.deep.equal([]);
    expect(g.readWrite).to.deep.equal(["/workspace"]);
    expect(g.onViolation).to.equal("deny");
    expect(g.network).to.equal("disabled");
    expect(g.devices).to.deep.equal(ENCLAVE_DEFAULTS.devices);
    expect(ENCLAVE_DEFAULTS.limits).to.deep.equal({ memory_pages: 1024, timeout_ms: 30000, output_bytes: 16 * 1024 * 1024 });
  });
});
