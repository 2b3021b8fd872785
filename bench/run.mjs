#!/usr/bin/env node
// npm run bench [-- cli|density|engine|admission|runner]: ratios measured side by side in one run.
import { benchAdmission } from "./admission.mjs";
import { benchCli } from "./cli.mjs";
import { benchDensity } from "./density.mjs";
import { benchEngine } from "./engine.mjs";
import { misses } from "./lib.mjs";
import { benchRunner } from "./runner.mjs";

const sections = { cli: benchCli, density: benchDensity, engine: benchEngine, admission: benchAdmission, runner: benchRunner };
const chosen = process.argv.slice(2).filter((a) => a in sections);
console.log("| measurement | coreason | baseline | ratio | target | met |\n|---|---|---|---|---|---|");
for (const name of chosen.length ? chosen : Object.keys(sections)) for (const line of await sections[name]()) console.log(line);
if (misses.length) console.error(`missed ${misses.length} target(s):\n  ${misses.join("\n  ")}`);
process.exit(misses.length ? 1 : 0);
