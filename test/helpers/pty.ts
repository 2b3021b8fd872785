// Runs the CLI on a pseudo-terminal, as a person at a terminal would: util-linux
// `script` allocates the pty (no native dependency), our pipe is its keyboard and its
// output is the screen. `script -e` exits with the CLI's status.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { type CliSandbox, ROOT } from "./cli.js";

const quote = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;

export class PtySession {
  /** Everything the terminal showed. */
  screen = "";
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(cli: CliSandbox, args: string[]) {
    // `exec`: script runs the command through $SHELL -c; a shell that stays as the CLI's
    // parent (dash does) dies of the terminal's Ctrl-C and script reports 130 for it
    const command = "exec " + [process.execPath, join(ROOT, "bin", "run.js"), ...args].map(quote).join(" ");
    this.child = spawn("script", ["-qfec", command, "/dev/null"], { env: cli.env() });
    this.child.stdout.on("data", (d: Buffer) => (this.screen += d.toString("utf8")));
    this.child.stderr.on("data", (d: Buffer) => (this.screen += d.toString("utf8")));
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  /** Types `text` (a line ends with "\r", as the Enter key sends). */
  type(text: string): void {
    this.child.stdin.write(text);
  }

  /** Waits until the screen has shown `what` `times` times in all. */
  async waitFor(what: string, times = 1, ms = 30000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.screen.split(what).length - 1 < times) {
      if (Date.now() > deadline)
        throw new Error(`waited ${ms} ms for ${JSON.stringify(what)} x${times}; the screen shows:\n${JSON.stringify(this.screen.slice(-2000))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The screen without terminal control sequences and carriage returns. */
  text(): string {
    return this.screen.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}
