#!/usr/bin/env node
// CommonJS (bin/package.json). oclif is given the package's root: from this file it
// would stop at bin/package.json.
const { join } = require("node:path");
const { runHot } = require("./hot-path.js");

void (async () => {
  if (await runHot(process.argv.slice(2))) return;
  const { execute } = await import("@oclif/core");
  await execute({ dir: join(__dirname, "..") });
})();
