// The fast path of the hot commands (sandbox-exec, sandbox-start): oclif's execute and
// the command's class prebundled in one file each (scripts/build-fast-path.mjs), compiled
// with V8's code cache. Node 20 has no module compile cache (module.enableCompileCache
// is Node 22.1+), so the cache is kept by hand: read next to the bundle, and rewritten
// (atomically) when missing or rejected (another Node version), if the directory is
// writable. Only argv that oclif runs as one of these commands takes this path; help,
// version and everything else go through bin/run.js's ordinary execute.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Script, constants } from "node:vm";

const MANIFEST = fileURLToPath(new URL("../oclif.manifest.json", import.meta.url));
const HOT_IDS = new Set(["sandbox-exec", "sandbox-start"]);
const TOPICS = new Set(["sys-diagnostics", "engine"]);

/** The hot command oclif would run for `argv` (its id spelled with a space or a colon,
 *  and no help flag before `--`: oclif shows help for --help/-h anywhere there), if any. */
export function hotCommand(argv, env = process.env) {
  if (env.COREASON_NO_FAST_PATH) return undefined; // the ordinary path, for comparison
  const [first = "", second = ""] = argv;
  const [topic, id, extra] = first.split(":");
  const hot = TOPICS.has(first) && HOT_IDS.has(second) ? second : TOPICS.has(topic) && HOT_IDS.has(id) && extra === undefined ? id : undefined;
  const end = argv.indexOf("--");
  if (!hot || (end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--help" || a === "-h")) return undefined;
  return hot;
}

/** The bundle's exports ({execute}) for hot command `id`, or undefined without a build. */
export function loadHotBundle(id) {
  const BUNDLE = fileURLToPath(new URL(`../dist/fast/${id}.cjs`, import.meta.url));
  const CODE_CACHE = `${BUNDLE}.v8-cache`;
  // the bundle swaps in its class where oclif loads the command from the manifest
  if (!existsSync(MANIFEST) || !hotBundleFresh(id)) return undefined;
  let cachedData;
  try {
    cachedData = readFileSync(CODE_CACHE);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(BUNDLE, "utf8")), { filename: BUNDLE, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  // after the command ran, the cache holds the functions it compiled too
  if (cachedData === undefined || script.cachedDataRejected) process.once("exit", () => saveCodeCache(script, CODE_CACHE));
  return module.exports;
}

/** `id`'s bundle exists and is no older than any compiled file it holds (a `tsc` since
 *  the last build makes it stale: the ordinary path runs the new code). */
export function hotBundleFresh(id) {
  try {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const built = statSync(`${root}dist/fast/${id}.cjs`).mtimeMs;
    return JSON.parse(readFileSync(`${root}dist/fast/${id}.inputs.json`, "utf8")).every((f) => statSync(root + f).mtimeMs <= built);
  } catch {
    return false;
  }
}

function saveCodeCache(script, file) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
  } catch {
    // a read-only install runs without the cache
  }
}
