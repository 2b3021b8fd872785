// sandbox-exec's human output: the guest's streams as they come, then the engine's own
// lines. A guest controls every byte it prints, so engine lines are made recognisable:
// they come after all guest output, each on a line of its own (a newline is added when
// the guest's output did not end with one), with guest-derived text escaped, terminal
// attributes reset first on a terminal (a guest ending with ESC[8m cannot hide them),
// and their number stated on stderr. The exit status and --json are authoritative.
import type { ExecResult } from "../../engine/client/exec.js";
import { escapeGuestText, violationLine } from "../../engine/verdict.js";

const RESET = "\x1b[0m";

type Stream = NodeJS.WriteStream;

export class ExecOutput {
  private readonly endsWithNewline = new Map<Stream, boolean>();

  constructor(
    private readonly stdout: Stream = process.stdout,
    private readonly stderr: Stream = process.stderr,
    /** Prefix of the engine's stderr lines: the command speaking. */
    private readonly speaker = "sandbox-exec",
  ) {}

  /** The guest's bytes, as they come. */
  guest(stream: "stdout" | "stderr", data: Buffer): void {
    if (!data.length) return;
    const target = stream === "stdout" ? this.stdout : this.stderr;
    target.write(data);
    this.endsWithNewline.set(target, data[data.length - 1] === 0x0a);
  }

  /** The engine's lines after the guest ended. */
  verdict(result: Pick<ExecResult, "violations" | "violationsDropped" | "message" | "notice" | "exitCode" | "durationMs"> & { reason: string }): void {
    const out = result.violations.map(violationLine);
    if (result.violationsDropped) out.push(`... and ${result.violationsDropped} more violations of other kinds (counted, not listed)`);
    this.engineLines(this.stdout, out);
    const err: string[] = [];
    // sandbox-exec puts the timeout it asked for in `message`; otherwise say it here
    if (result.reason === "timeout" && !result.message) err.push(`timed out after ${result.durationMs} ms; the guest was stopped`);
    if (result.notice) err.push(escapeGuestText(result.notice));
    if (result.message) err.push(escapeGuestText(result.message));
    if (out.length) err.push(`policy violations: the last ${out.length === 1 ? "line" : `${out.length} lines`} of stdout (exit ${result.exitCode})`);
    this.engineLines(
      this.stderr,
      err.map((l) => `${this.speaker}: ${l}`),
    );
  }

  private engineLines(target: Stream, lines: string[]): void {
    if (!lines.length) return;
    const lead = (this.endsWithNewline.get(target) === false ? "\n" : "") + (target.isTTY ? RESET : "");
    target.write(lead + lines.join("\n") + "\n");
    this.endsWithNewline.set(target, true);
  }
}
