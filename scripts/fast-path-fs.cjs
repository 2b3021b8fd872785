// node:fs/promises as @oclif/core sees it inside the fast path's bundle: the calls it
// makes (access, readdir, readFile, stat), done synchronously. Config.load's few small
// reads (the manifest, theme.json) then cost no thread-pool round trip each, which on a
// busy machine is a wait for a free core; results and errors are the same. Anything
// else is node:fs/promises' own, loaded when first asked for.
const fs = require("node:fs");

const sync = {
  access: async (...a) => fs.accessSync(...a),
  readdir: async (...a) => fs.readdirSync(...a),
  readFile: async (...a) => fs.readFileSync(...a),
  stat: async (...a) => fs.statSync(...a),
};

module.exports = new Proxy(sync, { get: (target, key) => (key in target ? target[key] : require("node:fs/promises")[key]) });
