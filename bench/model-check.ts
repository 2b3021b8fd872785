// The long run of the guard's model check (issue 17): many more cases and policies than
// `npm test`'s bounded run. Usage: npx tsx bench/model-check.ts [CASES] [POLICIES] [SEED]
// (defaults 100000, 24, 1). Prints cases, calls, skipped (known guard defects), time,
// and the minimal counterexample with its replay seed on a failure (exit 1).
import { policyPool } from "../test/model/arbitraries.js";
import { checkModel, report } from "../test/model/check.js";

const [cases, policies, seed] = [Number(process.argv[2] ?? 100000), Number(process.argv[3] ?? 24), Number(process.argv[4] ?? 1)];
const pool = policyPool(policies, seed);
const counts = { cases: 0, skipped: 0, calls: 0 };
const t0 = Date.now();
const r = await checkModel({ pool, numRuns: cases, seed, counts });
const s = (Date.now() - t0) / 1000;
console.log(
  `model check: ${counts.cases} cases (${counts.calls} calls) over ${pool.length} policies, seed ${seed}, ${r.numSkips} skipped (a known guard defect, or not comparable: a trap took the output, or the SDK panicked), ${s.toFixed(0)} s (${((s * 1000) / Math.max(1, counts.cases)).toFixed(1)} ms a case)`,
);
console.log(r.failed ? report(r) : "all agree");
process.exit(r.failed ? 1 : 0);
