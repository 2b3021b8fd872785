// The guard checked against its model (issue 17): generated policies, file-system states
// and call sequences run through the real guard (the wasi-ops guest, instrumented like
// any guest, in @wasmer/sdk) and through the model (test/model/guard-model.ts); every
// answer and every violation record must agree. A failure shrinks to a minimal case and
// prints the seed and path that replay it (MODEL_SEED=... to change the seed). Then each
// mutant of the guard (GuardMutation) must be caught, and each known guard defect must
// still reproduce (it fails, with its minimal case, once the guard is fixed).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { guardConfig, policyViolations } from "../../src/engine/policy/policy.js";
import { GUARD_MUTATIONS } from "../../src/engine/guard/names.js";
import { schemaErrors } from "../../src/engine/schema/validator.js";
import { ROOT } from "../helpers/cli.js";
import { DEFAULT_POLICY, policyPool } from "./arbitraries.js";
import { checkModel, modelProperty, report, runCase } from "./check.js";
import { PREOPENS } from "./guard-model.js";
import { KNOWN_GUARD_DEFECTS } from "./known-defects.js";
import { policyFile, RealGuard } from "./real-guard.js";

/** The bounded run in `npm test`; bench/model-check.ts is the long one. */
const SEED = Number(process.env.MODEL_SEED ?? 20261202);
const CASES = Number(process.env.MODEL_CASES ?? 160);
const POOL = policyPool(4, SEED);

describe("guard model: the real guard agrees with the model (issue 17)", function () {
  this.timeout(240000);

  it("the interpreter sees the preopens the model assumes", async () => {
    const r = await (await RealGuard.for(DEFAULT_POLICY)).run([]);
    expect(r.preopens).to.deep.equal(Object.entries(PREOPENS).map(([fd, name]) => `${fd} ${name}`));
  });

  it("positive control: a case the model decides as denied is denied and recorded by the guard", async () => {
    const calls = [
      { op: "open", fd: 3, path: "etc/passwd", lookup: 1, oflags: 0, rights: 2, fdflags: 0 },
      { op: "open", fd: 3, path: "workspace/f", lookup: 1, oflags: 1, rights: 64 | 2, fdflags: 0 },
    ] as const;
    const r = await runCase(DEFAULT_POLICY, [...calls]);
    expect(r.mismatch).to.equal(null);
    expect(r.real.lines.map((l) => l.errno)).to.deep.equal([2, 0]);
    expect(r.real.violations).to.deep.equal([{ operation: "open", path: "/etc/passwd", rule: "filesystem_policy: not granted" }]);
  });

  it(`${CASES} generated cases over ${POOL.length} policies agree (seed ${SEED})`, async () => {
    const counts = { cases: 0, skipped: 0, calls: 0 };
    const r = await checkModel({ pool: POOL, numRuns: CASES, seed: SEED, counts });
    expect(r.failed, report(r)).to.equal(false);
    expect(counts.cases).to.be.at.least(CASES);
    expect(counts.calls).to.be.at.least(CASES * 4);
  });

  describe("every mutant of the guard is caught", () => {
    for (const mutation of GUARD_MUTATIONS) {
      it(`mutant ${mutation}`, async () => {
        const r = await checkModel({ pool: [DEFAULT_POLICY], numRuns: 300, seed: SEED, mutation });
        expect(r.failed, `mutant ${mutation} survived ${r.numRuns} cases`).to.equal(true);
        expect(r.numRuns).to.be.below(300);
      });
    }
  });

  describe("known guard defects still reproduce (remove an entry from known-defects.ts with its fix)", () => {
    for (const defect of KNOWN_GUARD_DEFECTS) {
      it(defect, async () => {
        const r = await fc.check(modelProperty({ pool: POOL, numRuns: 100, seed: SEED, only: defect }), {
          numRuns: 100,
          seed: SEED,
          maxSkipsPerRun: 200,
          includeErrorInReport: true,
        });
        expect(r.numRuns, `no case of ${defect} was generated (${r.numSkips} skipped)`).to.be.greaterThan(0);
        if (!r.failed || !r.counterexample)
          expect.fail(`known defect ${defect} no longer reproduces in ${r.numRuns} cases: remove it from KNOWN_GUARD_DEFECTS`);
        console.log(
          `      ${defect}: minimal case\n${report(r)
            .split("\n")
            .filter((l) => !/^\s+at /.test(l))
            .map((l) => "        " + l)
            .join("\n")}`,
        );
      });
    }
  });
});

describe("guard model: the mutation hook is engine API only", () => {
  const valid = policyFile(DEFAULT_POLICY);

  it("a policy file cannot set a mutation (unknown keys are invalid, at every level)", () => {
    expect(policyViolations({ ...valid, mutation: "swap-access" })).to.not.be.empty;
    expect(policyViolations({ ...valid, filesystem_policy: { ...valid.filesystem_policy, mutation: "swap-access" } })).to.not.be.empty;
    expect(policyViolations(valid)).to.be.empty;
  });

  it("an HTTP start or probe body cannot set one, not even inside the policy", () => {
    expect(schemaErrors("api/start-request.json", { enclave: "OpenShell", mutation: "swap-access" })).to.not.be.empty;
    expect(schemaErrors("api/start-request.json", { enclave: "OpenShell", policy: { ...valid, mutation: "swap-access" } })).to.not.be.empty;
    expect(schemaErrors("api/probe-request.json", { mutation: "swap-access" })).to.not.be.empty;
    expect(schemaErrors("api/start-request.json", { enclave: "OpenShell", policy: valid })).to.be.empty;
  });

  it("the guard configuration of a policy carries no mutation, and no engine code passes one", () => {
    expect(JSON.stringify(guardConfig(valid, "/workspace"))).to.not.include("mutation");
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts")) files.push(p);
      }
    };
    walk(join(ROOT, "src"));
    const calls = files.flatMap((f) => readFileSync(f, "utf8").match(/(?<!function )buildGuardTemplate\([^)]*\)/g) ?? []);
    expect(calls.length).to.be.greaterThan(0);
    for (const c of calls) expect(c, "engine code must call buildGuardTemplate with the configuration only").to.match(/^buildGuardTemplate\(\w+\)$/);
  });
});
