#!/usr/bin/env node
// oclif's execute(), except that an error raised before any command runs (an unknown
// command, arguments a command does not take) is one line, as every command's are.
import { flush, handle, run } from "@oclif/core";

try {
  await run(process.argv.slice(2), import.meta.url);
  await flush();
} catch (err) {
  if (err?.oclif?.exit !== undefined && err.code !== "EEXIT" && /^command \S+ not found$/.test(err.message)) {
    process.stderr.write(`Error: ${err.message.replace(/:/g, " ")}\nHint: see coreason-server --help\n`);
    process.exitCode = 2;
  } else {
    await handle(err);
  }
}
