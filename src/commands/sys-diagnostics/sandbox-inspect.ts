import { Flags } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { inspectInstance, type InspectResult } from "../../engine/client/inspect.js";

export default class SysDiagnosticsSandboxInspect extends EngineCommand {
  // the spelling of the original bug report (hidden topic, like sys-diagnostics)
  static override aliases = ["engine:sandbox-inspect"];
  static override description =
    "Shows what actually runs in the instance: definition, effective policy and its digest (the one sandbox-start printed), limits, engine and instrumenter versions, host pid and uptime, exec and violation counts, and every admitted module with its sha256, its instrumented sha256 and each WASI import with whether the guard stands in front of it.";
  static override examples = [
    "<%= config.bin %> <%= command.id %> --enclave OpenShell",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --json | jq .policyDigest",
  ];
  static override flags = {
    enclave: Flags.string({ description: "running instance to inspect", required: true }),
  };
  static override summary = "Attest what runs in an enclave.";

  async run(): Promise<InspectResult> {
    const { flags } = await this.parse(SysDiagnosticsSandboxInspect);
    const r = await inspectInstance(flags.enclave);
    if (!this.jsonEnabled()) {
      this.log(`enclave:      ${r.enclave} (definition ${r.definition})`);
      this.log(`policy:       ${r.policyDigest}`);
      this.log(`limits:       ${r.limits.memoryPages} memory pages, timeout ${r.limits.timeoutMs} ms, output ${r.limits.outputBytes} bytes`);
      this.log(`engine:       ${r.engineVersion} (instrumenter ${r.instrumenterVersion})`);
      this.log(
        `host:         pid ${r.pid}, up ${Math.round(r.uptimeMs / 1000)} s, ${r.execCount} execs, ${r.violationCount} violations, ${r.recycles} worker restarts`,
      );
      for (const m of r.modules) {
        const guarded = m.imports.filter((i) => i.guarded).map((i) => i.name);
        this.log(
          `module:       ${m.role} ${m.label}\n  sha256        ${m.sha256}\n  instrumented  ${m.instrumentedSha256}\n  guarded       ${guarded.join(" ") || "(none)"}\n  unguarded     ${
            m.imports
              .filter((i) => !i.guarded)
              .map((i) => i.name)
              .join(" ") || "(none)"
          }`,
        );
      }
    }
    return r;
  }
}
