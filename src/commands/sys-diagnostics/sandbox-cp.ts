import { Args } from "@oclif/core";
import { EngineCommand, usageError } from "../../cli/engine-command.js";
import { ExecOutput } from "../../cli/render/exec-output.js";
import { readStdinBounded } from "../../cli/read-stdin.js";
import { sandboxCopy, type CopyResult } from "../../engine/files/copy.js";
import { TAR_STREAM_MAX_BYTES } from "../../engine/files/entries.js";

export default class SysDiagnosticsSandboxCp extends EngineCommand {
  // the spelling of the original bug report (hidden topic, like sys-diagnostics)
  static override aliases = ["engine:sandbox-cp"];
  static override args = {
    src: Args.string({ description: "source: INSTANCE:/guest/path, a host path, or - (a tar stream on stdin)", required: true }),
    dest: Args.string({ description: "destination: INSTANCE:/guest/path, a host path, or - (a tar stream on stdout)", required: true }),
  };
  static override description = `Copies files and directory trees between a running instance and the host, as docker cp does: exactly one side is INSTANCE:/guest/path. The copy runs inside the instance under its policy: a path the policy does not grant is denied (DENIED on stdout, exit 77, audited). Links are copied as links.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> ./data OpenShell:/workspace/data",
    "<%= config.bin %> <%= command.id %> OpenShell:/workspace/out.json ./out.json",
    "<%= config.bin %> <%= command.id %> ./dir/. OpenShell:/workspace/dir",
    "tar -cf - src | <%= config.bin %> <%= command.id %> - OpenShell:/workspace",
    "<%= config.bin %> <%= command.id %> OpenShell:/workspace/results - | tar -tvf -",
  ];
  static override summary = "Copy files between an enclave and the host (docker cp).";

  async run(): Promise<Omit<CopyResult, "tar">> {
    const { args } = await this.parse(SysDiagnosticsSandboxCp);
    const json = this.jsonEnabled();
    if (json && args.dest === "-") throw usageError("--json cannot be combined with DEST - (stdout carries the tar stream)");
    if (args.src === "-" && process.stdin.isTTY) throw usageError("SRC - reads a tar stream on stdin, which is a terminal; pipe one in (tar -cf - DIR | ...)");
    const tarIn = args.src === "-" ? await readStdinBounded(process.stdin, TAR_STREAM_MAX_BYTES, "the tar stream on stdin") : undefined;
    const { tar, ...result } = await sandboxCopy({ src: args.src, dest: args.dest, tarIn });
    if (tar) process.stdout.write(tar);
    if (!json) new ExecOutput(process.stdout, process.stderr, "sandbox-cp").verdict(result);
    process.exitCode = result.exitCode;
    return result;
  }
}
