import { EngineCommand } from "../../cli/engine-command.js";
import { ListedInstance, listInstances } from "../../engine/client/instances.js";
import { ExitCode } from "../../engine/exit-codes.js";
import { renderTable } from "../../cli/render/table.js";

export interface ListResult {
  instances: ListedInstance[];
}

export default class SysDiagnosticsSandboxList extends EngineCommand {
  // the spelling of the original bug report (hidden topic, like sys-diagnostics)
  static override aliases = ["engine:sandbox-list"];
  static override description =
    "Lists instances in the state directory: name, definition, memory pages, pid, start time, exec count, status. Exits 125 when any instance's host is dead or its state is corrupt (still listing them).";
  static override examples = ["<%= config.bin %> <%= command.id %>", "<%= config.bin %> <%= command.id %> --json"];
  static override summary = "List running enclaves.";

  async run(): Promise<ListResult> {
    await this.parse(SysDiagnosticsSandboxList);
    const instances = await listInstances();
    if (!this.jsonEnabled()) {
      if (!instances.length) this.log("no instances");
      else {
        this.log(
          renderTable(
            ["NAME", "DEFINITION", "PAGES", "PID", "STARTED", "EXECS", "STATUS"],
            instances.map((i) => [i.name, i.definition, String(i.memoryPages), String(i.pid), i.startedAt, String(i.execCount), i.status]),
          ),
        );
        for (const i of instances.filter((i) => i.message)) this.logToStderr(`${i.name}: ${i.message}`);
      }
    }
    if (instances.some((i) => i.status !== "running")) process.exitCode = ExitCode.ENGINE_FAILURE;
    return { instances };
  }
}
