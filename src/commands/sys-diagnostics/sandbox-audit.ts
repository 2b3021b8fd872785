import { Flags } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { auditRecords } from "../../engine/client/instances.js";
import type { AuditRecord } from "../../engine/host/audit-log.js";

export interface AuditResult {
  enclave: string;
  records: AuditRecord[];
}

export default class SysDiagnosticsSandboxAudit extends EngineCommand {
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
        this.log(`${r.time} OCSF ${r.class_name === "Network Activity" ? "NETWORK" : "FILE"}:${r.activity.toUpperCase().replace(/ /g, "_")} [MED] ${r.disposition.toUpperCase()} ${r.operation} ${r.path} (${r.rule}) enclave=${r.enclave} exec=${r.exec}${r.count ? ` count=${r.count}` : ""}`);
      }
      if (!records.length) this.log("no violations recorded");
    }
    return { enclave: flags.enclave, records };
  }
}
