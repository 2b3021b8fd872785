import { Flags } from "@oclif/core";
import { progressMode } from "../../cli/render/progress-mode.js";
import { EngineCommand } from "../../cli/engine-command.js";
import { runStartTasks, StartResult } from "../../cli/render/start-tasks.js";
import { loadDefinitionFile } from "../../engine/enclave/definitions.js";
import { checkInstanceName } from "../../engine/state/state-dir.js";

export default class SysDiagnosticsSandboxStart extends EngineCommand {
  // the spelling of the original bug report (hidden topic, like sys-diagnostics)
  static override aliases = ["engine:sandbox-start"];
  static override description = `Boots the enclave definition NAME as a running instance named NAME (or --name INSTANCE) and returns once it accepts commands. Every guest module is admitted, capped and interposed by the engine's policy guard before it runs.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --memory-pages 128",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --policy ./policy.yaml --json",
    "<%= config.bin %> <%= command.id %> --definition ./enclaves/Mine.yaml",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --name ci-small --memory-pages 64",
  ];
  static override flags = {
    definition: Flags.string({
      description: "boot this definition file (module paths relative to its directory) instead of a known definition",
      exactlyOne: ["enclave", "definition"],
    }),
    enclave: Flags.string({ description: "enclave definition to boot (built-in: OpenShell; see sandbox-definitions)", exactlyOne: ["enclave", "definition"] }),
    "memory-pages": Flags.integer({ description: "cap on guest linear memory, in 64 KiB pages (1..65536)", min: 1, max: 65536 }),
    name: Flags.string({ description: "name of the instance (default: the definition's name), so several instances of one definition run side by side" }),
    policy: Flags.string({ description: "policy file (YAML or JSON) replacing the definition's policy" }),
    "timeout-ms": Flags.integer({ description: "default per-exec timeout in milliseconds", min: 1, max: 86400000 }),
  };
  static override summary = "Boot a named enclave.";

  async run(): Promise<StartResult> {
    const { flags } = await this.parse(SysDiagnosticsSandboxStart);
    if (flags.name !== undefined) checkInstanceName(flags.name, "instance name");
    // a definition file names itself
    const enclave = flags.definition ? loadDefinitionFile(flags.definition).name : flags.enclave!;
    const opts = {
      enclave,
      name: flags.name,
      definitionFile: flags.definition,
      memoryPages: flags["memory-pages"],
      timeoutMs: flags["timeout-ms"],
      policyFile: flags.policy,
    };
    const result = await runStartTasks(opts, progressMode(this.jsonEnabled()));
    if (!this.jsonEnabled()) {
      if (result.recovered) this.logToStderr(`note: ${result.recovered}`);
      this.log(
        `started ${result.enclave}${result.enclave === result.definition ? "" : ` (definition ${result.definition})`} (pid ${result.pid}, ${result.memoryPages} memory pages, timeout ${result.timeoutMs} ms)`,
      );
    }
    return result;
  }
}
