import { Flags } from "@oclif/core";
import { EngineCommand, usageError } from "../../cli/engine-command.js";
import { execInInstance, ExecResult } from "../../engine/client/exec.js";
import { envFlag, envRecord, type EnvPair } from "../../cli/env-flag.js";
import { nonEmptyString } from "../../cli/flags.js";
import { ExecOutput } from "../../cli/render/exec-output.js";
import { readInstanceRecord } from "../../engine/state/instance-record.js";
import { instanceDir } from "../../engine/state/state-dir.js";
import type { InteractiveShellResult } from "../../cli/interactive/shell.js";

export default class SysDiagnosticsSandboxExec extends EngineCommand {
  // the spelling of the original bug report (hidden topic, like sys-diagnostics)
  static override aliases = ["engine:sandbox-exec"];
  static override args = {};
  static override description = `Runs SCRIPT with the enclave's shell (sh -c SCRIPT), or a foreign WASI command module, inside the running instance. Output is streamed as produced. Policy violations are printed on stdout, one line each, and make the command exit 77.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --enclave OpenShell --cmd "cat /etc/passwd"',
    "printf 'a\\nb\\n' | <%= config.bin %> <%= command.id %> --enclave OpenShell -i --cmd \"wc -l\"",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --wasm ./tool.wasm -- --flag value",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell --wasm ./tool.wasm --argv0 tool --env-clear --env LANG=C",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell -e GREETING=hi --cmd 'echo \"$GREETING\"'",
    "<%= config.bin %> <%= command.id %> --enclave OpenShell -w /workspace/src --cmd pwd",
  ];
  static override flags = {
    argv0: Flags.string({ description: "argv[0] of the --wasm module (default: the file's base name), as wasmtime --argv0", dependsOn: ["wasm"] }),
    cmd: nonEmptyString({
      description: "script for the enclave's shell (without --cmd and --wasm, -it opens an interactive shell)",
      exclusive: ["wasm", "tty"],
    }),
    enclave: Flags.string({ description: "running instance to use", required: true }),
    env: envFlag(),
    "env-clear": Flags.boolean({ description: "the guest gets only the --env variables, not the enclave's PATH, HOME, USER" }),
    interactive: Flags.boolean({ char: "i", description: "connect host stdin to the guest's stdin" }),
    tty: Flags.boolean({ char: "t", description: "with -i and no --cmd: an interactive shell on this terminal (the guest sees a terminal)" }),
    "timeout-ms": Flags.integer({ description: "timeout for this exec (default: the instance's)", min: 1, max: 86400000 }),
    wasm: Flags.string({ description: "run this WASI command module file instead of a script (arguments after --)", exclusive: ["cmd", "tty"] }),
    workdir: Flags.string({ char: "w", description: "absolute guest directory the guest starts in, as docker exec -w (granted by the policy; it must exist)" }),
  };
  static override strict = false;
  static override summary = "Run a command inside a running enclave.";

  async run(): Promise<ExecResult | InteractiveShellResult> {
    const { flags, argv } = await this.parse(SysDiagnosticsSandboxExec);
    if (flags.cmd === undefined && flags.wasm === undefined) return this.shell(flags);
    if (flags.cmd !== undefined && argv.length) throw usageError(`unexpected arguments ${JSON.stringify(argv)}: arguments after -- are only for --wasm`);
    const json = this.jsonEnabled();
    const output = new ExecOutput();
    const result = await execInInstance({
      enclave: flags.enclave,
      script: flags.cmd,
      wasmFile: flags.wasm,
      args: argv as string[],
      env: envRecord(flags.env),
      envClear: flags["env-clear"],
      argv0: flags.argv0,
      timeoutMs: flags["timeout-ms"],
      workdir: flags.workdir,
      labels: { file: "--wasm", argv0: "--argv0" },
      stdin: flags.interactive ? process.stdin : undefined,
      onOutput: json ? undefined : (stream, data) => output.guest(stream, data),
    });
    // name the timeout that was asked for (the engine's time includes its grace period)
    if (result.reason === "timeout" && !result.message)
      result.message = `timed out after ${flags["timeout-ms"] ?? instanceTimeoutMs(flags.enclave)} ms; the guest was stopped`;
    if (!json) output.verdict(result);
    process.exitCode = result.exitCode;
    return result;
  }

  /** No --cmd and no --wasm: the interactive shell (-it on a terminal, -i on a pipe). */
  private async shell(flags: {
    enclave: string;
    env?: EnvPair[];
    "env-clear": boolean;
    interactive: boolean;
    tty: boolean;
    "timeout-ms"?: number;
  }): Promise<InteractiveShellResult> {
    if (!flags.interactive)
      throw usageError(flags.tty ? "-t needs -i: use -it for an interactive shell" : "give --cmd SCRIPT or --wasm FILE, or -it for an interactive shell");
    if (this.jsonEnabled()) throw usageError("--json is not available for the interactive shell: give --cmd SCRIPT");
    if (flags.tty && !process.stdin.isTTY) throw usageError("-t needs a terminal, and stdin is not one (without -t, -i reads shell lines from stdin)");
    const { runInteractiveShell } = await import("../../cli/interactive/shell.js");
    const result = await runInteractiveShell({
      enclave: flags.enclave,
      env: envRecord(flags.env),
      envClear: flags["env-clear"],
      timeoutMs: flags["timeout-ms"],
      tty: flags.tty,
    });
    process.exitCode = result.exitCode;
    return result;
  }
}

function instanceTimeoutMs(enclave: string): number | undefined {
  return readInstanceRecord(instanceDir(enclave))?.timeoutMs;
}
