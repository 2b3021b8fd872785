import { Flags } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { stopInstance, StopResult } from "../../engine/client/instances.js";

export default class SysDiagnosticsSandboxStop extends EngineCommand {
  // the spelling of the original bug report (hidden topic, like sys-diagnostics)
  static override aliases = ["engine:sandbox-stop"];
  static override description =
    "Stops the running instance NAME and removes its state, keeping its audit log (sandbox-audit --enclave NAME reads it; --json says how many records it holds). Stopping an instance that is not running says so and exits 125 (stale state of a dead host is cleared, its audit log kept).";
  static override examples = ["<%= config.bin %> <%= command.id %> --enclave OpenShell"];
  static override flags = {
    enclave: Flags.string({ description: "instance to stop", required: true }),
  };
  static override summary = "Stop a running enclave.";

  async run(): Promise<StopResult> {
    const { flags } = await this.parse(SysDiagnosticsSandboxStop);
    const result = await stopInstance(flags.enclave);
    if (!this.jsonEnabled()) this.log(result.message);
    return result;
  }
}
