// "command X not found", said as every other error is: one `Error:` line, `Hint:` lines
// with whole commands (the nearest known one, and the help that lists the topic), or the
// USAGE error document under --json. Used by the command_not_found hook and the Help class.
import type { Interfaces } from "@oclif/core";
import { Errors } from "@oclif/core";
import { nearestName } from "../engine/enclave/hints.js";
import { ExitCode } from "../engine/exit-codes.js";

/** Topics whose commands are the diagnostics (engine is the report's spelling). */
const DIAGNOSTIC_TOPICS = new Set(["sys-diagnostics", "engine"]);

export function reportNotFound(config: Interfaces.Config, id: string, argv: string[]): never {
  const spaced = (s: string) => s.replaceAll(":", " ");
  const near = nearestCommand(config, id);
  const diagnostic = [id, near ?? ""].some((x) => DIAGNOSTIC_TOPICS.has(x.split(":")[0]));
  const help = diagnostic ? `${config.bin} sys-diagnostics --help` : `${config.bin} --help`;
  const message = `command ${spaced(id)} not found`;
  const hints = [...(near ? [`did you mean ${config.bin} ${spaced(near)}?`] : []), `see ${help}`];
  if (argv.includes("--json")) {
    process.stdout.write(JSON.stringify({ error: { code: "USAGE", message, exit: ExitCode.USAGE } }, null, 2) + "\n");
  } else {
    process.stderr.write(`Error: ${message}\n${hints.map((h) => `Hint: ${h}\n`).join("")}`);
  }
  Errors.exit(ExitCode.USAGE);
}

/** A command or topic whose last word is close to the one typed: in the topic typed, or
 *  anywhere when none was (so a root-level `sandbox-start` finds the diagnostic one). */
function nearestCommand(config: Interfaces.Config, id: string): string | undefined {
  const cut = id.lastIndexOf(":");
  const topic = cut < 0 ? undefined : id.slice(0, cut);
  const word = id.slice(cut + 1);
  const ids = [...config.commandIDs, ...config.topics.filter((t) => !t.hidden).map((t) => t.name)];
  const candidates = ids.filter((c) => (topic === undefined ? !c.startsWith("engine:") : c.startsWith(`${topic}:`)) && c !== id);
  const lastWord = (c: string) => c.slice(c.lastIndexOf(":") + 1);
  const best = nearestName(word, [...new Set(candidates.map(lastWord))]);
  if (!best) return undefined;
  const matches = candidates.filter((c) => lastWord(c) === best);
  return matches.find((c) => !c.includes(":")) ?? matches[0];
}
