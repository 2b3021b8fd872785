import { Flags } from "@oclif/core";
import SysDiagnosticsSandboxProbe from "../sys-diagnostics/sandbox-probe.js";

/** `coreason-engine probe`: the breach catalogue against a throwaway OpenShell. */
export default class RunnerProbe extends SysDiagnosticsSandboxProbe {
  static override examples = ["coreason-engine probe --junit probe.xml"];
  // statics are read from the manifest, which holds a class's own ones only
  static override exitCodes = SysDiagnosticsSandboxProbe.exitCodes;
  static override flags = { ...SysDiagnosticsSandboxProbe.flags, enclave: Flags.string({ description: "enclave definition to probe", default: "OpenShell" }) };
  static override hidden = true;
  static override usage = "[--only GLOB...] [--junit FILE] [--json]";
}
