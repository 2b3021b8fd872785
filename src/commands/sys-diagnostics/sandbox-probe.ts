import { closeSync, existsSync, openSync, unlinkSync, writeFileSync } from "node:fs";
import { Flags } from "@oclif/core";
import { progressMode } from "../../cli/render/progress-mode.js";
import { EngineCommand } from "../../cli/engine-command.js";
import { runProbeTasks } from "../../cli/render/probe-tasks.js";
import { renderProbeReport } from "../../cli/render/probe-table.js";
import { EngineError } from "../../engine/errors.js";
import { ExitCode } from "../../engine/exit-codes.js";
import { toJUnit } from "../../engine/probe/junit.js";
import { PROBE_EXIT_CODES } from "../../cli/exit-codes.js";
import type { ProbeReport } from "../../engine/probe/run-suite.js";

export default class SysDiagnosticsSandboxProbe extends EngineCommand {
  // the spelling of the original bug report (hidden topic, like sys-diagnostics)
  static override aliases = ["engine:sandbox-probe"];
  static override description = `Boots a throwaway instance of the enclave definition NAME, runs the breach catalogue against it (filesystem, environment, network, resources, admission, host canary, positive controls), tears it down and prints a verdict per probe.`;
  static override exitCodes = PROBE_EXIT_CODES;
  static override examples = [
    "<%= config.bin %> <%= command.id %> --enclave OpenShell",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --junit probe.xml",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --only 'fs.raw.*' --json",
  ];
  static override flags = {
    enclave: Flags.string({ description: "enclave definition to probe (built-in: OpenShell)", required: true }),
    junit: Flags.string({ description: "also write a JUnit XML report to this file" }),
    "memory-pages": Flags.integer({ description: "memory cap of the throwaway instance, in 64 KiB pages", min: 1, max: 65536 }),
    only: Flags.string({ description: "run only probes whose id or category matches this glob (e.g. 'fs.*', network); repeatable", multiple: true }),
    policy: Flags.string({ description: "policy file for the throwaway instance" }),
  };
  static override summary = "Prove the enclave boundary with a breach suite.";

  async run(): Promise<ProbeReport> {
    const { flags } = await this.parse(this.constructor as typeof SysDiagnosticsSandboxProbe);
    if (flags.junit) checkWritable(flags.junit); // before a minute of probes, not after
    const mode = progressMode(this.jsonEnabled());
    const report = await runProbeTasks({ enclave: flags.enclave, memoryPages: flags["memory-pages"], policyFile: flags.policy, only: flags.only }, mode);
    if (flags.junit) {
      try {
        writeFileSync(flags.junit, toJUnit(report));
      } catch (e) {
        throw new EngineError("USAGE", `--junit ${flags.junit}: cannot write (${(e as NodeJS.ErrnoException).code})`);
      }
    }
    if (!this.jsonEnabled()) this.log(renderProbeReport(report));
    process.exitCode = report.totals.breached > 0 ? ExitCode.FAILURE : report.totals.error > 0 ? ExitCode.ENGINE_FAILURE : ExitCode.OK;
    return report;
  }
}

/** --junit FILE must be writable: an existing file is opened for appending (not
 *  truncated), a new one is created and removed again. */
function checkWritable(file: string): void {
  const existed = existsSync(file);
  try {
    closeSync(openSync(file, existed ? "a" : "wx"));
    if (!existed) unlinkSync(file);
  } catch (e) {
    throw new EngineError("USAGE", `--junit ${file}: cannot write (${(e as NodeJS.ErrnoException).code})`);
  }
}
