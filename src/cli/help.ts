// oclif's help, with an EXIT CODES section for this package's commands (from their
// static `exitCodes`), and help for something that does not exist (`sandbox-start
// --help` at the root, a misspelt topic) is the same usage error as running it.
import { Command, Help } from "@oclif/core";
import { DEFAULT_EXIT_CODES, type ExitCodeTable } from "./exit-codes.js";
import { reportNotFound } from "./not-found.js";

export default class CoreasonHelp extends Help {
  override formatCommand(command: Command.Loadable): string {
    const text = super.formatCommand(command);
    if (command.pluginName !== this.config.name) return text; // oclif's plugins have their own
    const codes = (command as Command.Loadable & { exitCodes?: ExitCodeTable }).exitCodes ?? DEFAULT_EXIT_CODES;
    return `${text}\n\n${this.section(
      "EXIT CODES",
      codes.map(([code, meaning]) => [String(code), meaning]),
    )}`;
  }

  override async showHelp(argv: string[]): Promise<void> {
    const subject = helpSubject(argv, this.config.topicSeparator);
    if (subject && subject !== "help" && !this.config.findCommand(subject) && !this.config.findTopic(subject)) {
      reportNotFound(this.config, subject, argv);
    }
    return super.showHelp(argv);
  }
}

/** The command or topic id named by the leading words of argv (before any flag). */
function helpSubject(argv: string[], separator: string): string | undefined {
  const words: string[] = [];
  for (const a of argv) {
    if (a === "--" || a.startsWith("-")) break;
    words.push(a);
  }
  if (!words.length) return undefined;
  return separator === " " ? words.join(":") : words[0];
}
