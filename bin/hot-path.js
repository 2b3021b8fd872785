// The fast path of the hot commands (sandbox-exec, sandbox-start): oclif's execute and
// the command's class prebundled in one file each (scripts/build-fast-path.mjs), compiled
// with V8's code cache. Node 20 has no module compile cache (module.enableCompileCache
// is Node 22.1+), so the cache is kept by hand: read next to the bundle, and rewritten
// (atomically) when missing or rejected (another Node version), if the directory is
// writable. Only argv that oclif runs as one of these commands takes this path, and only
// when nothing outside this package could take part in the run: no user or linked
// plugin (@oclif/plugin-plugins), no oclif setting from the environment, a bundle no
// older than any file it holds. Everything else goes through bin/run.js's ordinary execute.
const { existsSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { homedir } = require("node:os");
const { dirname, join, sep } = require("node:path");
const { Script } = require("node:vm");

const ROOT = join(__dirname, "..", sep);
const HOT_IDS = new Set(["sandbox-exec", "sandbox-start"]);
const TOPICS = new Set(["sys-diagnostics", "engine"]);
/** oclif's own settings (OCLIF_*, the scoped COREASON_SERVER_*: data dir, debug...) and
 *  DEBUG change what a run reads or prints: those runs take the ordinary path. */
const OCLIF_ENV = /^(OCLIF_|COREASON_SERVER_|DEBUG$)/;

/** The hot command oclif would run for `argv` (its id spelled with a space or a colon,
 *  and no help flag before `--`: oclif shows help for --help anywhere there; -h too,
 *  to be safe), if the fast path may run it. */
function hotCommand(argv, env = process.env) {
  if (env.COREASON_NO_FAST_PATH || process.platform === "win32") return undefined; // the ordinary path, for comparison
  const [first = "", second = ""] = argv;
  const [topic, id, extra] = first.split(":");
  const hot = TOPICS.has(first) && HOT_IDS.has(second) ? second : TOPICS.has(topic) && HOT_IDS.has(id) && extra === undefined ? id : undefined;
  const end = argv.indexOf("--");
  if (!hot || (end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--help" || a === "-h")) return undefined;
  if (Object.keys(env).some((k) => OCLIF_ENV.test(k)) || userPlugins(env)) return undefined;
  return hot;
}

/** Whether @oclif/plugin-plugins has installed or linked a plugin: oclif reads them from
 *  DATA_DIR/package.json (Config.dir("data")); a file that cannot be read as one counts. */
function userPlugins(env = process.env) {
  const file = join(env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local/share"), "coreason-server", "package.json");
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return e.code !== "ENOENT";
  }
  try {
    return (JSON.parse(text).oclif?.plugins ?? []).length > 0;
  } catch {
    return true;
  }
}

/** The bundle's exports ({run}) for hot command `id`, or undefined without a fresh build. */
function loadHotBundle(id) {
  const bundle = join(ROOT, "dist", "fast", `${id}.cjs`);
  const codeCache = `${bundle}.v8-cache`;
  if (!existsSync(join(ROOT, "oclif.manifest.json")) || !hotBundleFresh(id)) return undefined;
  let cachedData;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(bundle, "utf8")), { filename: bundle, cachedData });
  const loaded = { exports: {} };
  script.runInThisContext().call(loaded.exports, loaded.exports, Module.createRequire(bundle), loaded, bundle, dirname(bundle));
  // after the command ran, the cache holds the functions it compiled too
  if (cachedData === undefined || script.cachedDataRejected) process.once("exit", () => saveCodeCache(script, codeCache));
  return loaded.exports;
}

/** `id`'s bundle exists and holds what would run unbundled: every file it holds is of
 *  the size it had and, in a working tree, no newer than the bundle (a `tsc` or an npm
 *  install since the last build makes it stale: the ordinary path runs the new code). In
 *  a copy npm installed (inside a node_modules directory) the times are those of the
 *  unpacking, in any order, so the sizes decide there (another version of a dependency
 *  differs in them: a copy whose dependencies resolved to other versions than the
 *  build's runs the ordinary path). A package's file is looked for as Node resolves it
 *  from here: in node_modules of this package, then of each ancestor. */
function hotBundleFresh(id) {
  try {
    const built = statSync(`${ROOT}dist/fast/${id}.cjs`).mtimeMs;
    const installed = ROOT.includes(`${sep}node_modules${sep}`);
    const held = JSON.parse(readFileSync(`${ROOT}dist/fast/${id}.inputs.json`, "utf8"));
    return held.every(([file, size]) => {
      const st = resolveHeld(file);
      // the build's own sources (scripts/) are not published: checked where they are
      if (st === undefined) return installed && file.startsWith("scripts/");
      return st.size === size && (installed || st.mtimeMs <= built);
    });
  } catch {
    return false;
  }
}

const IF_PRESENT = { throwIfNoEntry: false };

function resolveHeld(file) {
  const st = statSync(ROOT + file, IF_PRESENT);
  if (st || !file.startsWith("node_modules/")) return st;
  for (let dir = dirname(ROOT); ; dir = dirname(dir)) {
    const up = statSync(join(dir, file), IF_PRESENT);
    if (up || dirname(dir) === dir) return up;
  }
}

/** Runs `argv` on the fast path if it may take it; false when it may not (nothing ran). */
async function runHot(argv) {
  const id = hotCommand(argv);
  const hot = id && loadHotBundle(id);
  if (!hot) return false;
  // binaryen (the guard's rewriter, an ES module) is imported from here: import() in
  // the bundle's vm.Script would need a loader callback the code cache drops
  await hot.run(argv, (specifier) => import(specifier));
  return true;
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

module.exports = { hotBundleFresh, hotCommand, loadHotBundle, runHot, userPlugins };
