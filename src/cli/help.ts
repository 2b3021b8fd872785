// oclif's help, except that help for something that does not exist (`sandbox-start
// --help` at the root, a misspelt topic) is the same usage error as running it.
import { Help } from "@oclif/core";
import { reportNotFound } from "./not-found.js";

export default class CoreasonHelp extends Help {
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
