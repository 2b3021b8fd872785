import { Flags } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { EXIT_CODES_HELP } from "../../cli/exit-codes.js";
import { runStartTasks, StartResult } from "../../cli/render/start-tasks.js";

export default class SysDiagnosticsSandboxStart extends EngineCommand {
  static override description = `Boots the enclave definition NAME as a running instance named NAME and returns once it accepts commands. Every guest module is admitted, capped and interposed by the engine's policy guard before it runs.\n\nEXIT CODES\n${EXIT_CODES_HELP}`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --memory-pages 128",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --policy ./policy.yaml --json",
  ];
  static override flags = {
    enclave: Flags.string({ description: "enclave definition to boot (built-in: OpenShell)", required: true }),
    "memory-pages": Flags.integer({ description: "cap on guest linear memory, in 64 KiB pages (1..65536)", min: 1, max: 65536 }),
    policy: Flags.string({ description: "policy file (YAML or JSON) replacing the definition's policy" }),
    "timeout-ms": Flags.integer({ description: "default per-exec timeout in milliseconds", min: 1, max: 86400000 }),
  };
  static override summary = "Boot a named enclave.";

  async run(): Promise<StartResult> {
    const { flags } = await this.parse(SysDiagnosticsSandboxStart);
    const opts = { enclave: flags.enclave, memoryPages: flags["memory-pages"], timeoutMs: flags["timeout-ms"], policyFile: flags.policy };
    const result = await runStartTasks(opts, this.jsonEnabled() ? "silent" : process.stderr.isTTY ? "tty" : "plain");
    if (!this.jsonEnabled()) {
      if (result.recovered) this.logToStderr(`note: ${result.recovered}`);
      this.log(`started ${result.enclave} (pid ${result.pid}, ${result.memoryPages} memory pages, timeout ${result.timeoutMs} ms)`);
    }
    return result;
  }
}
