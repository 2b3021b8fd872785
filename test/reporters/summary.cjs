// mocha reporter for CI: the usual spec output, then one plain closing line with
// mocha's own counts, so a run that executed no test is visible as such.
const Mocha = require("mocha");

class Summary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}

module.exports = Summary;
