// OpenShell fails loudly where it does not support what GNU does: each case prints a
// message naming the problem on stderr and ends with a non-zero status, and prints
// nothing on stdout that could pass for a result. Positive controls: the same
// utilities answer the supported neighbouring forms with status 0.
import { expect } from "chai";
import { definitionCommands, loadDefinition } from "../../src/engine/enclave/definitions.js";
import { GuardedSandbox, guestFile, openShellGuard } from "../helpers/guarded-sandbox.js";

const loud: [string, RegExp, number][] = [
  ["od -t f4 /dev/null", /od: floating-point types \(-t f\) are not supported/, 1],
  ["od -f /dev/null", /od: floating-point types \(-f\) are not supported/, 1],
  ["od -t x1z /dev/null", /od: the z suffix is not supported/, 1],
  ["join -z a b", /join: invalid option -- 'z'/, 1],
  ["grep -P x /dev/null", /grep: invalid option -- 'P'/, 2],
  ["sort -R /dev/null", /sort: invalid option -- 'R'/, 2],
  ["touch -d tomorrow x", /touch: invalid date format 'tomorrow'/, 1],
  ["mkdir d; touch -d @1000 d", /touch: setting times of 'd': Not supported/, 1],
  ["xargs -P2 echo </dev/null", /xargs: invalid option -- 'P'/, 1],
  ["find . -mtime 1 -fprint x", /find: unknown predicate `-fprint'/, 1],
  ["cp -u a b", /cp: invalid option -- 'u'/, 1],
  ["diff -c /dev/null /dev/null", /diff: -c \(context format\) is not supported; use -u/, 2],
];
const fine = ["od -t x2 /dev/null", "join /dev/null /dev/null", "grep -E x /dev/null; test $? = 1", "sort -V /dev/null", "touch -d @1 x", "xargs -s 100 echo </dev/null", "find . -newer /dev/null -size -1M", "mkdir A B; diff -r A B"];

describe("OpenShell: unsupported options fail loudly", function () {
  let base: GuardedSandbox;
  before(async () => {
    const def = loadDefinition("OpenShell");
    base = await GuardedSandbox.fromFile(guestFile("openshell.wasm"), openShellGuard(), 1024, definitionCommands(def));
  });

  for (const [cmd, message, status] of loud) {
    it(`${cmd}: message, status ${status}, no output`, async () => {
      const sb = await base.fresh();
      const got = await sb.run(["-c", cmd], 10000);
      expect(got.stderr).to.match(message);
      expect(got.exitCode).to.equal(status);
      expect(got.stdout).to.equal("");
    });
  }

  for (const cmd of fine) {
    it(`control: ${cmd} succeeds`, async () => {
      const sb = await base.fresh();
      const got = await sb.run(["-c", cmd], 10000);
      expect(got.exitCode, got.stderr).to.equal(0);
    });
  }
});
