// Ctrl-C and a cancelled CI job end the CLI as a shell reports a signal: 128 + its
// number (130 for SIGINT, 143 for SIGTERM). Exiting closes the connection to the
// instance host, which stops the guest of an exec in flight at once.
import { ExitCode } from "../engine/exit-codes.js";

let installed = false;

export function exitOnSignals(): void {
  if (installed) return;
  installed = true;
  process.once("SIGINT", () => process.exit(ExitCode.SIGINT));
  process.once("SIGTERM", () => process.exit(ExitCode.SIGTERM));
}
