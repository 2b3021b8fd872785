// The host side of the interactive shell's input: node:readline gives the prompt, line
// editing and history on a terminal; without one (`-i` on a pipe), lines are read as
// they come and no prompt is shown, as a shell does with a script on its stdin.
// While a line runs the terminal is back in its normal (cooked) mode and not read:
// Ctrl-C then reaches the CLI as SIGINT, and anything typed ahead waits in the terminal
// for the next prompt, as with a local shell.
import { createInterface, type Interface } from "node:readline";

export const EOF = Symbol("eof");
export const INTERRUPT = Symbol("interrupt");
export type InputEvent = string | typeof EOF | typeof INTERRUPT;

export class LineInput {
  private readonly rl: Interface;
  private readonly queue: InputEvent[] = [];
  private waiting?: (e: InputEvent) => void;

  constructor(
    private readonly input: NodeJS.ReadStream,
    output: NodeJS.WriteStream,
    private readonly terminal: boolean,
  ) {
    this.rl = createInterface({ input, output, terminal, historySize: 1000, removeHistoryDuplicates: true });
    this.rl.on("line", (line) => this.push(line));
    this.rl.on("close", () => this.push(EOF));
    // on a terminal Ctrl-C at the prompt arrives here (raw mode), not as a signal; the
    // typed text stays on the screen with ^C after it, as in bash, and is dropped (the
    // editing keys would redraw the prompt, so the line is emptied directly)
    this.rl.on("SIGINT", () => {
      Object.assign(this.rl, { line: "", cursor: 0 });
      output.write("^C\n");
      this.push(INTERRUPT);
    });
    this.pause();
  }

  /** The next line (after showing `prompt` on a terminal), Ctrl-D/end of input, or Ctrl-C. */
  read(prompt: string): Promise<InputEvent> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    this.resume();
    if (this.terminal) {
      this.rl.setPrompt(prompt);
      this.rl.prompt();
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** While a line runs: the terminal is cooked (Ctrl-C is SIGINT) and left unread. */
  pause(): void {
    this.rl.pause();
    if (this.terminal && this.input.isTTY) this.input.setRawMode(false);
  }

  close(): void {
    this.rl.close();
    this.input.pause();
  }

  private resume(): void {
    if (this.terminal && this.input.isTTY) this.input.setRawMode(true);
    this.rl.resume();
  }

  private push(e: InputEvent): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) {
      this.pause();
      waiting(e);
    } else this.queue.push(e);
  }
}
