// Entry of dist/fast/COMMAND.cjs (scripts/build-fast-path.mjs): oclif's execute, with
// the hot command's class taken from this bundle instead of imported afresh, over this
// package alone. bin/hot-path.js runs it only when no user or linked plugin exists, and
// the core plugins (@oclif/plugin-help, @oclif/plugin-plugins) take no part in running a
// hot command (no init, prerun, postrun or finally hooks, no definitions): their scan
// is left out. Everything else (config, manifest, hooks, parsing, errors) is oclif's own code.
/* global __fastPath: readonly -- the bundle's banner declares it */
const { readFileSync } = require("node:fs");
const { basename, join } = require("node:path");
const { execute } = require("@oclif/core");
const moduleLoader = require("../node_modules/@oclif/core/lib/module-loader.js");

const ROOT = join(__dirname, "..", "..");
const FILE = ["dist", "commands", "sys-diagnostics", `${basename(__filename, ".cjs")}.js`];

const fromManifest = moduleLoader.loadWithDataFromManifest;
moduleLoader.loadWithDataFromManifest = async (cached, root) => {
  if (root !== ROOT || cached.relativePath?.join("/") !== FILE.join("/")) return fromManifest(cached, root);
  return { filePath: join(root, ...FILE), isESM: true, module: require("hot-command") };
};

/** Runs `argv` as bin/run.js's execute would; `importer` is a real ES-module import()
 *  (bin/hot-path.js's), for the one module loaded outside the bundle: binaryen. */
async function run(argv, importer) {
  __fastPath.importer = importer;
  const pjson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  await execute({
    args: argv,
    loadOptions: { root: ROOT, pjson: { ...pjson, oclif: { ...pjson.oclif, plugins: [] } }, userPlugins: false, devPlugins: false },
  });
}

module.exports = { run };
