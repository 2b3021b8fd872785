import { Flags } from "@oclif/core";
import { EngineCommand, usageError } from "../../cli/engine-command.js";
import { oneShotFlags, runOneShot } from "../../cli/one-shot.js";

export default class RunnerSh extends EngineCommand {
  static override description = `Runs SCRIPT with OpenShell's shell in a throwaway enclave in this process and exits with sandbox-exec's exit codes.`;
  static override examples = ['coreason-engine sh -c "cat /etc/passwd"'];
  static override flags = { ...oneShotFlags, command: Flags.string({ char: "c", description: "the script", required: true }) };
  static override hidden = true;
  static override summary = "Run a script once in a throwaway OpenShell.";
  static override usage = "[--policy FILE] [--memory-pages N] [--timeout-ms MS] [-e KEY=VALUE...] [--copy HOST:GUEST...] [--json] -c SCRIPT";

  async run(): Promise<void> {
    const { flags } = await this.parse(RunnerSh);
    if (!flags.command.trim()) throw usageError("-c must not be empty");
    await runOneShot(this, flags, { script: flags.command }, this.jsonEnabled());
  }
}
