#!/usr/bin/env node
// Builds the AssemblyScript guests of the differential harness (guest/fidelity/*.ts) with
// the npm `assemblyscript` compiler and `@assemblyscript/wasi-shim` (devDependencies):
// guest/fidelity/NAME.ts -> dist/guest/fidelity/NAME.wasm. Skipped when the sources and
// compiler version are unchanged (a digest is stored next to the output), and with a
// notice when the compiler is not installed (an install without devDependencies).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const SRC = "guest/fidelity";
const OUT = "dist/guest/fidelity";
// asc 0.28 finds the shim's library only through a path relative to its working
// directory (an absolute --lib path is silently ignored), hence cwd = root below.
const SHIM_CONFIG = "node_modules/@assemblyscript/wasi-shim/asconfig.json";
const FLAGS = ["--config", SHIM_CONFIG, "-O3", "--noAssert"];

function compilerVersion() {
  try {
    return JSON.parse(readFileSync(require.resolve("assemblyscript/package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

export function buildAll({ force = false } = {}) {
  const version = compilerVersion();
  if (!version || !existsSync(join(root, SHIM_CONFIG))) {
    console.error("guest fidelity-as: skipped (assemblyscript or @assemblyscript/wasi-shim not installed)");
    return;
  }
  const asc = join(dirname(require.resolve("assemblyscript/package.json")), "bin", "asc.js");
  for (const file of readdirSync(join(root, SRC))
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    const name = file.replace(/\.ts$/, "");
    const out = join(root, OUT, `${name}.wasm`);
    const stamp = `${out}.src-sha256`;
    const digest = createHash("sha256")
      .update(JSON.stringify([version, FLAGS, readFileSync(join(root, SRC, file), "utf8")]))
      .digest("hex");
    if (!force && existsSync(out) && existsSync(stamp) && readFileSync(stamp, "utf8") === digest) {
      console.error(`guest ${name}: up to date`);
      continue;
    }
    mkdirSync(dirname(out), { recursive: true });
    execFileSync(process.execPath, [asc, `${SRC}/${file}`, ...FLAGS, "-o", `${OUT}/${name}.wasm`], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    writeFileSync(stamp, digest);
    console.error(`guest ${name}: ${readFileSync(out).length} bytes`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildAll({ force: process.argv.includes("--force") });
