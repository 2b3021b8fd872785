#!/usr/bin/env node
// npm install: in a source checkout, build everything (TypeScript, schemas, the C
// guests, the module cache, the oclif manifest). An installed package already carries
// its build (npm pack runs the build first, see "prepack"), and has neither the sources
// nor the dev tools to redo it, so there is nothing to do.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (existsSync(join(root, "src")) && existsSync(join(root, "tsconfig.json"))) {
  const r = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  process.exit(r.status ?? 1);
}
