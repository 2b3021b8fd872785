// node:fs/promises as @oclif/core sees it inside the fast path's bundle: the same calls,
// done synchronously. Config.load's few small reads (the manifest, theme.json) then cost
// no thread-pool round trip each, which on a busy machine is a wait for a free core;
// results and errors are the same.
const fs = require("node:fs");
const promises = require("node:fs/promises");

module.exports = {
  ...promises,
  access: async (...a) => fs.accessSync(...a),
  readFile: async (...a) => fs.readFileSync(...a),
  stat: async (...a) => fs.statSync(...a),
};
