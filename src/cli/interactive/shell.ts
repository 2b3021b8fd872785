// `sandbox-exec -it --enclave NAME`: the enclave's shell for a person at a terminal (or,
// with -i alone, for lines on a pipe). Prompts, editing and history are the host's; each
// line runs as one exec of a ShellSession, rendered like any exec: the guest's output
// as it comes, then that line's DENIED lines. Ctrl-C stops the running line only.
import { ShellSession, type LineEvents, type LineOutcome, type SessionOptions } from "../../engine/client/session.js";
import { ExitCode } from "../../engine/exit-codes.js";
import { readInstanceRecord } from "../../engine/state/instance-record.js";
import { instanceDir } from "../../engine/state/state-dir.js";
import { ExecOutput } from "../render/exec-output.js";
import { EOF, INTERRUPT, LineInput } from "./line-input.js";

export interface InteractiveShellResult {
  enclave: string;
  exitCode: number;
}

export async function runInteractiveShell(opts: SessionOptions): Promise<InteractiveShellResult> {
  const session = new ShellSession(opts);
  const input = new LineInput(process.stdin, process.stdout, opts.tty);
  let running: AbortController | undefined;
  // On a terminal Ctrl-C interrupts the line, never the session; a second one while the
  // first is being answered ends the CLI (130), as on a pipe. SIGTERM ends it with 143.
  if (opts.tty) {
    process.removeAllListeners("SIGINT");
    process.on("SIGINT", () => (running?.signal.aborted ? process.exit(ExitCode.SIGINT) : running?.abort()));
  }
  const runLine = async (run: (events: LineEvents) => Promise<LineOutcome>) => {
    const output = new ExecOutput();
    running = new AbortController();
    try {
      const outcome = await run({ onOutput: (stream, data) => output.guest(stream, data), interrupt: running.signal });
      render(output, outcome, opts);
    } finally {
      running = undefined;
    }
  };
  try {
    await runLine((events) => session.run("", events)); // the first prompt, and the instance is there
    while (!session.ended) {
      const got = await input.read(session.rest ? session.ps2 : session.ps1);
      if (got === EOF) {
        if (opts.tty) process.stdout.write("\n"); // the host's prompt starts on a line of its own
        await runLine((events) => session.end(events));
      } else if (got === INTERRUPT) session.interruptPrompt();
      else await runLine((events) => session.run(got, events));
    }
  } finally {
    input.close();
  }
  return { enclave: opts.enclave, exitCode: session.exitCode };
}

function render(output: ExecOutput, outcome: LineOutcome, opts: SessionOptions): void {
  const { result } = outcome;
  if (outcome.interrupted) {
    // the terminal echoed ^C; the host's "client went away" is not news here
    delete result.message;
    if (opts.tty) process.stdout.write("\n");
  } else if (result.reason === "timeout" && !result.message) {
    // the timeout asked for (the engine's time includes its grace period)
    result.message = `timed out after ${opts.timeoutMs ?? readInstanceRecord(instanceDir(opts.enclave))?.timeoutMs} ms; the guest was stopped`;
  }
  if (!outcome.interrupted && outcome.stateLost) {
    result.message = [result.message, `${outcome.stateLost}; the session goes on with the state from before this line`].filter(Boolean).join("; ");
  }
  output.verdict(result);
}
