#!/usr/bin/env node
// coreason-engine: the one-shot runner (run, sh, probe). The same oclif CLI and engine
// as coreason-server; its commands are the hidden `runner` topic, spelled without it.
// CommonJS (bin/package.json), like bin/run.js: oclif is given the package's root.
const { join } = require("node:path");

const COMMANDS = ["run", "sh", "probe"];

void (async () => {
  const { Config, flush, handle, loadHelpClass, run } = await import("@oclif/core");
  const argv = process.argv.slice(2);
  const config = await Config.load(join(__dirname, ".."));
  config.bin = "coreason-engine";
  /** --help or -h before any `--` (after it, they are the module's arguments). */
  const wantsHelp = (args) => (args.includes("--") ? args.slice(0, args.indexOf("--")) : args).some((a) => a === "--help" || a === "-h");

  /** A runner command as this binary spells it: `run`, not `runner:run`. */
  const asEngineCommand = (id) => ({ ...config.findCommand(`runner:${id}`), id });

  if (!argv.length || ["--help", "-h", "help"].includes(argv[0]) || (wantsHelp(argv) && !COMMANDS.includes(argv[0]))) {
    const lines = await Promise.all(
      COMMANDS.map(async (id) => {
        const cmd = await config.findCommand(`runner:${id}`).load();
        return `  coreason-engine ${id} ${cmd.usage}\n      ${cmd.summary}`;
      }),
    );
    process.stdout.write(
      `coreason-engine: run a WASI module or a script once in a throwaway enclave\n\nUSAGE\n${lines.join("\n")}\n\nExit codes as sandbox-exec's; see coreason-engine COMMAND --help.\n`,
    );
  } else if (!COMMANDS.includes(argv[0])) {
    process.stderr.write(`Error: unknown command ${JSON.stringify(argv[0])} (commands: ${COMMANDS.join(", ")})\nHint: see coreason-engine --help\n`);
    process.exitCode = 2;
  } else if (wantsHelp(argv.slice(1))) {
    const Help = await loadHelpClass(config);
    await new Help(config).showCommandHelp(asEngineCommand(argv[0]));
  } else {
    try {
      await run(["runner", ...argv], config);
      await flush();
    } catch (err) {
      await handle(err);
    }
  }
})();
