import { Flags } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { auditRecords } from "../../engine/client/instances.js";
import { auditLine, type AuditRecord } from "../../engine/host/audit-log.js";

export interface AuditResult {
  enclave: string;
  records: AuditRecord[];
}

export default class SysDiagnosticsSandboxAudit extends EngineCommand {
  // the spelling of the original bug report (hidden topic, like sys-diagnostics)
  static override aliases = ["engine:sandbox-audit"];
  static override description = "Prints the instance's audit log: one record per policy violation, with OCSF File System Activity fields (time, activity, path, disposition, enclave).";
  static override examples = ["<%= config.bin %> <%= command.id %> --enclave OpenShell", "<%= config.bin %> <%= command.id %> --enclave OpenShell --json"];
  static override flags = {
    enclave: Flags.string({ description: "instance whose audit log to print", required: true }),
  };
  static override summary = "Show an enclave's policy audit log.";

  async run(): Promise<AuditResult> {
    const { flags } = await this.parse(SysDiagnosticsSandboxAudit);
    const records = auditRecords(flags.enclave);
    if (!this.jsonEnabled()) {
      for (const r of records) {
        this.log(auditLine(r));
      }
      if (!records.length) this.log("no violations recorded");
    }
    return { enclave: flags.enclave, records };
  }
}
