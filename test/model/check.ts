// One generated case through the real guard and through the model, and the comparison:
// the same answer for every call (errno, and the data where the model knows it), the
// same violation records in the same order, the same trap.
import fc from "fast-check";
import type { GuardMutation } from "../../src/engine/guard/names.js";
import { Case, caseArb } from "./arbitraries.js";
import { Call, showCall } from "./calls.js";
import { GuardModel, ModelRun } from "./guard-model.js";
import { KNOWN_GUARD_DEFECTS } from "./known-defects.js";
import { ModelPolicy } from "./policy-rules.js";
import { RealGuard, RealRun } from "./real-guard.js";

/** Cases whose answer the real run cannot show: a trap took the guest's output (and the
 *  result of an open the model needed) with it; an SDK panic (not the guard) traps the guest. */
const UNCOMPARABLE = ["unobservable-open", "sdk-panic-symlink-below-file"];

export function compare(model: ModelRun, real: RealRun): string | null {
  if (model.trapped !== real.trapped) return `trapped: model ${model.trapped}, guard ${real.trapped}`;
  if (!model.trapped) {
    if (real.lines.length !== model.outcomes.length) return `calls answered: model ${model.outcomes.length}, guard ${real.lines.length}`;
    for (let i = 0; i < model.outcomes.length; i++) {
      const m = model.outcomes[i];
      const r = real.lines[i];
      if (m.errno === null) continue;
      if (r.errno !== m.errno) return `call ${i}: errno model ${m.errno}, guard ${r.errno}`;
      if (m.errno === 0 && m.extra !== undefined && r.extra !== m.extra)
        return `call ${i}: data model ${JSON.stringify(m.extra)}, guard ${JSON.stringify(r.extra)}`;
    }
  }
  const mv = JSON.stringify(model.violations);
  const rv = JSON.stringify(real.violations);
  if (mv !== rv) return `violations:\n    model ${mv}\n    guard ${rv}`;
  return null;
}

export interface CaseResult {
  mismatch: string | null;
  /** Known guard defects this case touches (it is then not held against the guard). */
  known: string[];
  model: ModelRun;
  real: RealRun;
}

export async function runCase(
  policy: ModelPolicy,
  calls: Call[],
  mutation?: GuardMutation,
  known: readonly string[] = KNOWN_GUARD_DEFECTS,
): Promise<CaseResult> {
  const real = await (await RealGuard.for(policy, mutation)).run(calls);
  const model = GuardModel.run(policy, calls, (i) => real.lines[i]?.errno);
  return { mismatch: compare(model, real), known: known.filter((k) => model.features.has(k)), model, real };
}

export const describeCase = (policy: ModelPolicy, calls: Call[]) =>
  `policy ${JSON.stringify(policy)}\n  calls:\n${calls.map((c, i) => `    ${i}: ${showCall(c)}`).join("\n")}`;

export interface PropertyOptions {
  pool: ModelPolicy[];
  numRuns: number;
  seed: number;
  mutation?: GuardMutation;
  /** Defect classes to leave out (default: every known one). */
  known?: readonly string[];
  /** Keep only cases touching this defect class. */
  only?: string;
  counts?: { cases: number; skipped: number; calls: number };
}

/** The property: every case agrees, cases of a known defect class left out (fc.pre). */
export function modelProperty(o: PropertyOptions) {
  return fc.asyncProperty(caseArb(o.pool.length), async (c: Case) => {
    const policy = o.pool[c.policy];
    const calls = [...c.setup, ...c.calls];
    // the model alone first (cheap), so cases of a left-out class cost no guest run
    const others = (o.known ?? KNOWN_GUARD_DEFECTS).filter((k) => k !== o.only);
    const wanted = (features: Set<string>) => (!o.only || features.has(o.only)) && !others.some((k) => features.has(k));
    fc.pre(wanted(GuardModel.run(policy, calls).features));
    const r = await runCase(policy, calls, o.mutation, o.known);
    fc.pre(wanted(r.model.features) && !UNCOMPARABLE.some((f) => r.model.features.has(f)));
    if (o.counts) {
      o.counts.cases++;
      o.counts.calls += calls.length;
    }
    if (r.mismatch) throw new Error(`${r.mismatch}\n  ${describeCase(policy, calls)}`);
  });
}

export async function checkModel(o: PropertyOptions) {
  return fc.check(modelProperty(o), { numRuns: o.numRuns, seed: o.seed, endOnFailure: false, maxSkipsPerRun: 20, includeErrorInReport: true });
}

/** fast-check's report: the minimal counterexample and the seed/path that replays it. */
export function report(r: fc.RunDetails<[Case]>): string {
  return fc.defaultReportMessage(r) ?? "passed";
}
