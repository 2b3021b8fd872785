#!/usr/bin/env node
// The hot commands' fast path (bin/run.js): oclif's own `execute` and the compiled
// command classes in one CommonJS file, so a warm `sandbox-exec` reads and compiles one
// file instead of ~250 modules. Each module's import.meta.url stays its dist/ file's URL,
// computed from the bundle's directory, so paths resolve as they do unbundled.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "fast");
mkdirSync(outdir, { recursive: true });

const keepImportMetaUrl = {
  name: "keep-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      const rel = relative(outdir, args.path).split("\\").join("/");
      return { contents: text.replaceAll("import.meta.url", `__fileUrl(${JSON.stringify(rel)})`), loader: "js" };
    });
  },
};

/** Resolves the entry's `hot-command` to one command's compiled class: a bundle each, so
 *  an exec does not read start's modules (listr2, the guard's rewriter). */
const hotCommand = (id) => ({
  name: "hot-command",
  setup(b) {
    b.onResolve({ filter: /^hot-command$/ }, () => ({ path: join(root, "dist", "commands", "sys-diagnostics", `${id}.js`) }));
  },
});

for (const id of ["sandbox-exec", "sandbox-start"]) {
  const { metafile } = await build({
  entryPoints: { [id]: join(root, "scripts", "fast-path-entry.cjs") },
  outdir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // never on the hot path: the SDK (the host's), binaryen (a cold module cache), oclif's
  // development mode (typescript)
  external: ["@wasmer/sdk", "@wasmer/sdk/*", "binaryen", "fastify", "ajv", "ajv-formats", "typescript", "ts-node"],
  banner: { js: 'const __fileUrl = (rel) => require("node:url").pathToFileURL(require("node:path").join(__dirname, rel)).href;' },
  plugins: [keepImportMetaUrl, hotCommand(id)],
  minify: !process.env.NO_MINIFY,
  keepNames: true,
  metafile: true,
  logLevel: "warning",
});
  // the compiled files it holds: bin/hot-path.js ignores a bundle older than any of them
  // (a `tsc` since the last build), as make would
  const inputs = Object.keys(metafile.inputs).map((f) => relative(root, join(process.cwd(), f)).split("\\").join("/")).filter((f) => f.startsWith("dist/"));
  writeFileSync(join(outdir, `${id}.inputs.json`), JSON.stringify(inputs) + "\n");
}

// Seed each bundle's V8 code cache (bin/hot-path.js writes it on a run without one): a
// run that loads the config, parses and fails on an instance that cannot exist.
const seedState = mkdtempSync(join(tmpdir(), "coreason-seed-"));
for (const id of ["sandbox-exec", "sandbox-start"]) {
  rmSync(join(outdir, `${id}.cjs.v8-cache`), { force: true });
  const flags = id === "sandbox-exec" ? ["--enclave", "no-such-instance", "--cmd", "true"] : ["--enclave", "NoSuchEnclave"];
  spawnSync(process.execPath, [join(root, "bin", "run.js"), "sys-diagnostics", id, ...flags], { env: { ...process.env, COREASON_STATE_DIR: seedState }, stdio: "ignore" });
}
rmSync(seedState, { recursive: true, force: true });
