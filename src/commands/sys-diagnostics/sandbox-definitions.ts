import { EngineCommand } from "../../cli/engine-command.js";
import { renderTable } from "../../cli/render/table.js";
import { ListedDefinition, listDefinitions } from "../../engine/enclave/definitions.js";
import { ExitCode } from "../../engine/exit-codes.js";

export interface DefinitionsResult {
  definitions: ListedDefinition[];
  problems: string[];
}

export default class SysDiagnosticsSandboxDefinitions extends EngineCommand {
  static override aliases = ["engine:sandbox-definitions"];
  static override description =
    "Lists every enclave definition sandbox-start knows, and where each comes from: built-in (the package's enclaves/), a plugin (a package whose package.json names a folder in coreason.enclaves), or a COREASON_ENCLAVE_PATH directory. Each is validated. A name defined by two sources, an invalid definition or an unreadable source is reported and makes the command exit 78 (still listing the rest).";
  static override examples = ["<%= config.bin %> <%= command.id %>", "COREASON_ENCLAVE_PATH=./enclaves <%= config.bin %> <%= command.id %> --json"];
  static override summary = "List the enclave definitions and their sources.";

  async run(): Promise<DefinitionsResult> {
    await this.parse(SysDiagnosticsSandboxDefinitions);
    const result = listDefinitions();
    if (!this.jsonEnabled()) {
      const where = (d: ListedDefinition) => (d.origin ? `${d.source} ${d.origin}` : d.source);
      this.log(
        renderTable(
          ["NAME", "SOURCE", "STATUS", "FILE"],
          result.definitions.map((d) => [d.name, where(d), d.error ? "error" : "ok", d.file]),
        ),
      );
      for (const d of result.definitions.filter((x) => x.error)) this.logToStderr(`${d.name}: ${d.error}`);
      for (const p of result.problems) this.logToStderr(p);
    }
    if (result.problems.length || result.definitions.some((d) => d.error)) process.exitCode = ExitCode.CONFIG_INVALID;
    return result;
  }
}
