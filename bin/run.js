#!/usr/bin/env node
import { hotCommand, loadHotBundle } from "./hot-path.js";

const id = hotCommand(process.argv.slice(2));
const hot = id ? loadHotBundle(id) : undefined;
const { execute } = hot ?? (await import("@oclif/core"));
await execute({ dir: import.meta.url });
