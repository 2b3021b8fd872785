#!/usr/bin/env node
// The hot commands' fast path (bin/hot-path.js): oclif's own `execute` and the compiled
// command classes in one CommonJS file each, so a warm `sandbox-exec` reads and compiles
// one file instead of ~250 modules. Each module's import.meta.url stays its dist/ file's
// URL, computed from the bundle's directory, so paths resolve as they do unbundled.
// binaryen (the guard's rewriter, an ES module with top-level await) stays outside: the
// guard loads it with one import() (src/engine/guard/binaryen.ts), which the bundle hands
// to bin/hot-path.js's real import(), so a template built here uses the bundle's own
// engine modules, one copy of each.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "fast");
const HOT = ["sandbox-exec", "sandbox-start"];
mkdirSync(outdir, { recursive: true });

/** The compiled schema validators a hot command uses (schema/validator.ts requires them
 *  by name at run time): bundled too, so they come with the code cache. */
const VALIDATORS = {
  "sandbox-exec": ["instance.schema.json", "protocol/v1/envelope.schema.json"],
  "sandbox-start": ["instance.schema.json", "protocol/v1/envelope.schema.json", "enclave.schema.json", "policy.schema.json"],
};
const COMPILED = join(root, "dist", "engine", "schema", "compiled");
const compiledIndex = JSON.parse(await readFile(join(COMPILED, "index.json"), "utf8"));
const LOAD_VALIDATOR = "require(join(COMPILED, index[id]))";

const distModules = (id) => ({
  name: "dist-modules",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
      let text = await readFile(args.path, "utf8");
      const rel = relative(outdir, args.path).split("\\").join("/");
      text = text.replaceAll("import.meta.url", `__fileUrl(${JSON.stringify(rel)})`).replaceAll('import("binaryen")', '__fastPathImport("binaryen")');
      if (args.path.endsWith(join("schema", "validator.js"))) {
        if (!text.includes(LOAD_VALIDATOR)) throw new Error(`${args.path}: no ${LOAD_VALIDATOR} to look up first`);
        // imported (the module's own `require` is createRequire's, which esbuild leaves alone)
        const imports = VALIDATORS[id].map((schema, i) => `import __validator${i} from "./compiled/${compiledIndex[schema]}";\n`);
        const bundled = VALIDATORS[id].map((schema, i) => `${JSON.stringify(schema)}: __validator${i}`);
        text = imports.join("") + text.replace(LOAD_VALIDATOR, `({ ${bundled.join(", ")} }[id] ?? ${LOAD_VALIDATOR})`);
      }
      return { contents: text, loader: "js" };
    });
  },
});

/** The few places where @oclif/core, as the fast path runs it, does work that changes
 *  nothing there, each replaced by what gives the same result (the build fails if one
 *  is no longer found, so an oclif update is looked at again):
 *  - index.js checks the Node version against its package.json's engines with semver
 *    (47 modules), but from the bundle its require of that package.json fails, so the
 *    check is a silent no-op there: left out, with semver;
 *  - a plugin's commands are sorted with localeCompare, whose first call loads ICU's
 *    collation data (~10 ms); the fast path loads one plugin, this package, and its
 *    manifest's ids sort the same by code units: that comparison stands in (the
 *    manifest is one of the files a bundle is checked against);
 *  - child_process (util/os.js: a Windows shell's name), readline (the parser: a flag
 *    read from stdin) and the packages for what a hot command never does (minimatch:
 *    matching core plugins, of which there are none here; tinyglobby: finding commands
 *    without a manifest; lilconfig: an .oclifrc; ejs: help and update templates;
 *    cli-spinners: ux.action) are required when first used, not when oclif loads,
 *    and those packages stay outside the bundle (node_modules has them);
 *  - getPlatform imports wsl-utils for its isWsl, which is is-wsl's: imported from there,
 *    without wsl-utils' child_process and PowerShell helpers (powerShellPath, for a
 *    Windows shell, still comes from wsl-utils);
 *  - its node:fs/promises is scripts/fast-path-fs.cjs: the same calls, synchronous. */
const lazy = (name, id) => [`const ${name} = require("${id}");`, `const ${name} = new Proxy({}, { get: (_, key) => require("${id}")[key] });`];
const lazyDefault = (name, id) => [
  `const ${name} = __importDefault(require("${id}"));`,
  `const ${name} = { get default() { return __importDefault(require("${id}")).default; } };`,
];
const LAZY_PACKAGES = ["minimatch", "tinyglobby", "lilconfig", "ejs", "cli-spinners"];
const ids = Object.keys(JSON.parse(await readFile(join(root, "oclif.manifest.json"), "utf8")).commands);
const sameOrder = JSON.stringify([...ids].sort((a, b) => a.localeCompare(b))) === JSON.stringify([...ids].sort());
const OCLIF_EDITS = {
  "index.js": [["\ncheckNodeVersion();\n", "\n"]],
  "util/os.js": [lazy("node_child_process_1", "node:child_process")],
  "parser/parse.js": [lazy("node_readline_1", "node:readline")],
  "config/plugin-loader.js": [lazy("minimatch_1", "minimatch")],
  "config/plugin.js": [
    lazy("tinyglobby_1", "tinyglobby"),
    ...(sameOrder ? [[".sort((a, b) => a.id.localeCompare(b.id))", ".sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))"]] : []),
  ],
  "util/read-pjson.js": [lazy("lilconfig_1", "lilconfig")],
  "config/config.js": [lazyDefault("ejs_1", "ejs")],
  "help/util.js": [lazyDefault("ejs_1", "ejs")],
  "ux/action/spinner.js": [lazyDefault("cli_spinners_1", "cli-spinners")],
};
const oclifEdits = {
  name: "oclif-edits",
  setup(b) {
    b.onLoad({ filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/].*\.js$/ }, async (args) => {
      const file = args.path
        .split("\\")
        .join("/")
        .replace(/.*\/@oclif\/core\/lib\//, "");
      if (!OCLIF_EDITS[file]) return undefined;
      let text = await readFile(args.path, "utf8");
      for (const [from, to] of OCLIF_EDITS[file]) {
        if (!text.includes(from)) throw new Error(`${args.path}: no ${JSON.stringify(from)} to replace`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: "js" };
    });
    const fromOclif = (args) => /[\\/]@oclif[\\/]core[\\/]/.test(args.importer);
    b.onResolve({ filter: /^node:fs\/promises$/ }, (args) => (fromOclif(args) ? { path: join(root, "scripts", "fast-path-fs.cjs") } : undefined));
    b.onResolve({ filter: /^wsl-utils$/ }, (args) => (fromOclif(args) ? { path: join(root, "scripts", "fast-path-wsl.mjs") } : undefined));
  },
};

/** Resolves the entry's `hot-command` to one command's compiled class: a bundle each, so
 *  an exec does not read start's modules (listr2). */
const hotCommand = (id) => ({
  name: "hot-command",
  setup(b) {
    b.onResolve({ filter: /^hot-command$/ }, () => ({ path: join(root, "dist", "commands", "sys-diagnostics", `${id}.js`) }));
  },
});

// never on the hot path: the SDK (the host's), oclif's development mode (typescript);
// binaryen is imported by bin/hot-path.js. An exec needs yaml only for a --wasm module
// (its inspect record): required from node_modules then, it is not a file to check.
const EXTERNAL = ["@wasmer/sdk", "@wasmer/sdk/*", "binaryen", "fastify", "ajv", "ajv-formats", "typescript", "ts-node"];

for (const id of HOT) {
  const { metafile, outputFiles } = await build({
    entryPoints: { [id]: join(root, "scripts", "fast-path-entry.cjs") },
    outdir,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: [...EXTERNAL, ...LAZY_PACKAGES, ...(id === "sandbox-exec" ? ["yaml"] : [])],
    banner: {
      js: 'const __fileUrl = (rel) => require("node:url").pathToFileURL(require("node:path").join(__dirname, rel)).href;\nconst __fastPath = {};\nconst __fastPathImport = (specifier) => __fastPath.importer(specifier);',
    },
    plugins: [distModules(id), oclifEdits, hotCommand(id)],
    minify: !process.env.NO_MINIFY,
    keepNames: true,
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  const [out] = outputFiles;
  // an import() left in the bundle would need a loader callback that vm.Script's code
  // cache drops, and a require() of binaryen fails (top-level await)
  const leftover = /\bimport\(\s*["'`]|require\("binaryen"\)/.exec(out.text);
  if (leftover) throw new Error(`dist/fast/${id}.cjs: ${leftover[0]} left in the bundle`);
  writeFileSync(out.path, out.text);
  // what it holds (files that left code in it, and the manifest it was built against),
  // with their sizes: bin/hot-path.js ignores a bundle older than any of them or sized
  // otherwise (a `tsc` or an npm install since the last build), as make would
  const held = Object.entries(Object.values(metafile.outputs).find((o) => o.entryPoint)?.inputs ?? {}).filter(([, i]) => i.bytesInOutput > 0);
  const inputs = [
    ...held.map(([f]) => relative(root, join(process.cwd(), f)).split("\\").join("/")),
    "oclif.manifest.json",
    "dist/engine/schema/compiled/index.json",
  ];
  writeFileSync(join(outdir, `${id}.inputs.json`), JSON.stringify(inputs.map((f) => [f, statSync(join(root, f)).size])) + "\n");
}

// Seed each bundle's V8 code cache (bin/hot-path.js writes it on a run without one) by
// a real run, so it holds the functions a start and an exec compile (the YAML parser,
// the client, the renderers): a start, an exec and a stop of OpenShell in a throwaway
// state directory. Where no instance can boot, a run that fails on an instance that
// cannot exist seeds what it reaches.
const seedState = mkdtempSync(join(tmpdir(), "coreason-seed-"));
const seed = (...args) =>
  spawnSync(process.execPath, [join(root, "bin", "run.js"), ...args], {
    env: { ...process.env, COREASON_STATE_DIR: seedState },
    stdio: "ignore",
    timeout: 120000,
  });
for (const id of HOT) rmSync(join(outdir, `${id}.cjs.v8-cache`), { force: true });
try {
  if (seed("sys-diagnostics", "sandbox-start", "--enclave", "OpenShell").status === 0)
    seed("sys-diagnostics", "sandbox-exec", "--enclave", "OpenShell", "--cmd", "echo hi");
} finally {
  seed("sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell");
}
for (const id of HOT) {
  if (existsSync(join(outdir, `${id}.cjs.v8-cache`))) continue;
  const flags = id === "sandbox-exec" ? ["--enclave", "no-such-instance", "--cmd", "true"] : ["--enclave", "NoSuchEnclave"];
  seed("sys-diagnostics", id, ...flags);
}
rmSync(seedState, { recursive: true, force: true });
