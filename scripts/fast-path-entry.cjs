// Entry of dist/fast/COMMAND.cjs (scripts/build-fast-path.mjs): oclif's execute, with
// the hot command's class taken from this bundle instead of imported afresh. Everything
// else (config, manifest, plugins, hooks, parsing, errors) is oclif's own code.
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

module.exports = { execute };
