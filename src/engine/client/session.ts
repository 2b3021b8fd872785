// One interactive shell session (`sandbox-exec -it`) over a running instance. Each
// line is an ordinary exec of the enclave's shell, so it is queued, guarded, audited,
// timed out and interrupted like any other; the shell's state (working directory,
// variables, functions, aliases, options, umask, the EXIT trap) travels from one line
// to the next through this object, in the CLI's memory only: OpenShell saves it at the
// end of a line (guest/openshell/sh/session.c) and restores it at the start of the next.
// Nothing is written in the enclave, and the state never decides a verdict: a line's
// exit status and violations are the engine's.
import { randomBytes } from "node:crypto";
import { ExitCode } from "../exit-codes.js";
import { execInInstance, type ExecResult } from "./exec.js";
import { SessionBlockFilter, type SessionBlock } from "./session-block.js";

/** Largest state carried between lines (it travels in the next exec's request). */
export const MAX_SESSION_STATE_BYTES = 256 * 1024;

export interface SessionOptions {
  enclave: string;
  env: Record<string, string>;
  envClear?: boolean;
  /** Per line (default: the instance's). */
  timeoutMs?: number;
  /** The guest's stdio are a terminal (`test -t` is true). */
  tty: boolean;
}

export interface LineEvents {
  onOutput(stream: "stdout" | "stderr", data: Buffer): void;
  /** Aborting stops the line's guest (Ctrl-C); the session goes on. */
  interrupt?: AbortSignal;
}

export interface LineOutcome {
  result: ExecResult;
  interrupted: boolean;
  /** Why the session keeps the state it had before this line, when it does. */
  stateLost?: string;
}

/** The status a shell gives a command the engine stopped, as its $? afterwards. */
const STOPPED_STATUS: Partial<Record<ExecResult["reason"], number>> = {
  timeout: ExitCode.TIMEOUT,
  trapped: ExitCode.TRAPPED,
  killed: ExitCode.KILLED,
  failed: ExitCode.ENGINE_FAILURE,
};

export class ShellSession {
  ps1 = "$ ";
  ps2 = "> ";
  /** The start of a command still being typed (the next prompt is PS2). */
  rest = "";
  ended = false;
  private state?: string;
  /** $? for the next line. */
  private status = 0;
  /** The CLI's exit status if the session ended now. */
  private verdict = 0;
  private violations = 0;
  private line = 1;

  constructor(private readonly opts: SessionOptions) {}

  /** Any violation in the session makes it end with 77, like one exec with a violation. */
  get exitCode(): number {
    return this.violations ? ExitCode.POLICY_DENIED : this.verdict;
  }

  /** Runs `text` (one line, or "" to begin) after the incomplete command before it. */
  async run(text: string, events: LineEvents): Promise<LineOutcome> {
    const script = this.rest + text + (text ? "\n" : "");
    const outcome = await this.exec(script, "run", events);
    // $LINENO and messages count the session's lines; an incomplete command starts again
    if (!this.rest) this.line += script.split("\n").length - 1;
    return outcome;
  }

  /** Ctrl-D: the shell ends as at the end of its input (the EXIT trap runs). */
  async end(events: LineEvents): Promise<LineOutcome> {
    const [verdict, status] = [this.verdict, this.status];
    const outcome = await this.exec("", "end", events);
    // the shell exits with $?: an engine verdict kept in it (124, 130...) stays the CLI's
    if (outcome.result.reason === "exited" && outcome.result.guestExitCode === status) this.verdict = verdict;
    this.ended = true;
    return outcome;
  }

  /** Ctrl-C at a prompt: the command being typed is dropped, $? is 130 (as in bash). */
  interruptPrompt(): void {
    this.rest = "";
    this.status = this.verdict = ExitCode.SIGINT;
  }

  private async exec(script: string, mode: "run" | "end", events: LineEvents): Promise<LineOutcome> {
    const nonce = randomBytes(16).toString("hex");
    const filter = new SessionBlockFilter(nonce);
    const env: Record<string, string> = { ...this.opts.env, OSH_SESSION: `1:${nonce}:${this.opts.tty ? 1 : 0}:${this.line}:${this.status}:${mode}` };
    if (this.state !== undefined) env.OSH_SESSION_STATE = this.state;
    const result = await execInInstance({
      enclave: this.opts.enclave,
      script,
      env,
      envClear: this.opts.envClear,
      timeoutMs: this.opts.timeoutMs,
      interrupt: events.interrupt,
      onOutput: (stream, data) => {
        const shown = stream === "stderr" ? filter.push(data) : data;
        if (shown.length) events.onOutput(stream, shown);
      },
    });
    const leftover = filter.leftover();
    if (leftover.length) events.onOutput("stderr", leftover);
    const interrupted = !!events.interrupt?.aborted;
    this.violations += result.violations.length + (result.violationsDropped ?? 0);
    const stopped = interrupted ? ExitCode.SIGINT : STOPPED_STATUS[result.reason];
    this.status = stopped ?? (result.guestExitCode ?? 0) & 255;
    this.verdict = interrupted ? ExitCode.SIGINT : result.exitCode;
    const block = filter.block();
    const stateLost = this.take(block, stopped !== undefined);
    return { result, interrupted, ...(stateLost ? { stateLost } : {}) };
  }

  /** Keeps the block's state; a line the engine stopped has none, and the session goes
   *  on with the state from before it (its files stay changed). */
  private take(block: SessionBlock | undefined, stopped: boolean): string | undefined {
    this.rest = "";
    if (!block) return stopped ? "the line was stopped before the shell could save its state" : "the shell did not report its state";
    if (Buffer.byteLength(block.state) > MAX_SESSION_STATE_BYTES) return `the shell's state is larger than ${MAX_SESSION_STATE_BYTES} bytes`;
    Object.assign(this, { state: block.state, ps1: block.ps1, ps2: block.ps2, rest: block.rest, ended: block.ended });
    return undefined;
  }
}
