#!/usr/bin/env node
// CommonJS (bin/package.json), like bin/run.js.
const { join } = require("node:path");

void (async () => {
  const { execute } = await import("@oclif/core");
  await execute({ development: true, dir: join(__dirname, "..") });
})();
