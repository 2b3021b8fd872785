import { Flags } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { auditOf, auditStateNote, type AuditResult } from "../../engine/client/audit.js";
import { auditLine } from "../../engine/state/audit-log.js";

export default class SysDiagnosticsSandboxAudit extends EngineCommand {
  // the spelling of the original bug report (hidden topic, like sys-diagnostics)
  static override aliases = ["engine:sandbox-audit"];
  static override description =
    "Prints the instance's audit log: one record per policy violation, with OCSF File System Activity fields (time, activity, path, disposition, enclave). After the instance stopped (or its host died), the log of its last run: the state is said on stderr and in --json.";
  static override examples = ["<%= config.bin %> <%= command.id %> --enclave OpenShell", "<%= config.bin %> <%= command.id %> --enclave OpenShell --json"];
  static override flags = {
    enclave: Flags.string({ description: "instance whose audit log to print (running, or stopped: its last run's log)", required: true }),
  };
  static override summary = "Show an enclave's policy audit log.";

  async run(): Promise<AuditResult> {
    const { flags } = await this.parse(SysDiagnosticsSandboxAudit);
    const result = await auditOf(flags.enclave);
    if (!this.jsonEnabled()) {
      const note = auditStateNote(result);
      if (note) this.logToStderr(`note: ${note}`);
      for (const r of result.records) this.log(auditLine(r));
      if (!result.records.length) this.log("no violations recorded");
    }
    return result;
  }
}
