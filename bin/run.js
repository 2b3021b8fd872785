#!/usr/bin/env node
import { runHot } from "./hot-path.js";

if (!(await runHot(process.argv.slice(2)))) {
  const { execute } = await import("@oclif/core");
  await execute({ dir: import.meta.url });
}
