import { Args } from "@oclif/core";
import { EngineCommand, usageError } from "../../cli/engine-command.js";
import { oneShotFlags, runOneShot } from "../../cli/one-shot.js";

export default class RunnerRun extends EngineCommand {
  static override args = { file: Args.string({ description: "WASI command module (.wasm)", required: true }) };
  static override description = `Admits and guards FILE.wasm with the policy (default: OpenShell's), runs it once in a throwaway enclave in this process, and exits with sandbox-exec's exit codes. Arguments for the module follow --. Nothing is left behind but the shared module cache.`;
  static override examples = [
    "coreason-engine run tool.wasm -- --flag value",
    "coreason-engine run --copy ./data:/workspace/data --json tool.wasm -- data/in.json",
  ];
  static override flags = oneShotFlags;
  static override hidden = true;
  static override strict = false;
  static override summary = "Run a WASI module once in a throwaway enclave.";
  static override usage =
    "[--policy FILE] [--memory-pages N] [--timeout-ms MS] [-e KEY=VALUE...] [--copy HOST:GUEST...] [-w DIR] [--json] FILE.wasm [-- ARGS...]";

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(RunnerRun);
    const rest = (argv as string[]).slice(1);
    if (!args.file) throw usageError("a module file is required");
    await runOneShot(this, flags, { wasmFile: args.file, args: rest }, this.jsonEnabled());
  }
}
