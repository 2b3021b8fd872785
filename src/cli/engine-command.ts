// Base class of every command: --json everywhere, engine errors mapped to exit codes
// once, and `{error: {code, message, exit, violations?}}` as the JSON error shape.
import { Command } from "@oclif/core";
import { EngineError, isEngineError } from "../engine/errors.js";
import { registerDefinitionPackages } from "../engine/enclave/catalog.js";
import { exitFor, type ExitCodeTable } from "./exit-codes.js";
import { FlagValueError } from "./flags.js";
import { renderHint } from "./hints.js";
import { exitOnSignals } from "./signals.js";

export abstract class EngineCommand extends Command {
  static override enableJsonFlag = true;

  /** The EXIT CODES section of the command's help (cli/help.ts renders it; a command
   *  without its own gets DEFAULT_EXIT_CODES). */
  static exitCodes?: ExitCodeTable;

  /** Plain JSON, never coloured: the document is for machines, and oclif's colouriser
   *  overflows the stack on a large document (16 MiB of guest output). */
  override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + "\n");
  }

  /** A command that handles SIGINT/SIGTERM itself (serve drains) sets this. */
  static handlesSignals = false;

  public override async init(): Promise<void> {
    await super.init();
    if (!(this.constructor as typeof EngineCommand).handlesSignals) exitOnSignals();
    // plugins (linked or installed) may bring enclave definitions
    registerDefinitionPackages(
      this.config
        .getPluginsList()
        .filter((p) => (p.pjson as { coreason?: unknown }).coreason)
        .map((p) => ({ name: p.name, root: p.root })),
    );
  }

  protected override toErrorJson(err: unknown): unknown {
    if (isEngineError(err)) {
      return {
        error: {
          code: err.code,
          message: err instanceof FlagValueError ? err.reason : err.message,
          exit: exitFor(err),
          ...(err.details.violations ? { violations: err.details.violations } : {}),
        },
      };
    }
    const e = err as { message?: string; oclif?: { exit?: number }; code?: string };
    return { error: { code: e.code ?? "USAGE", message: e.message ?? String(err), exit: e.oclif?.exit ?? 2 } };
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isEngineError(err)) {
      const exit = exitFor(err);
      if (this.jsonEnabled()) {
        this.logJson(this.toErrorJson(err));
        this.exit(exit);
      }
      // One line naming the problem (oclif's own formatter wraps at 80 columns),
      // then any hint on its own line.
      process.stderr.write(`Error: ${err instanceof FlagValueError ? err.reason : oneLine(err)}\n`);
      for (const s of err.details.suggestions ?? []) process.stderr.write(`Hint: ${renderHint(s)}\n`);
      this.exit(exit);
    }
    if (isUsageError(err)) {
      // oclif's parse errors span lines ("Parsing --x", a tab-indented reason, "See more
      // help"): one line naming the problem, the pointer to --help as the hint.
      const several = /^The following errors? occurred:$/m.test(err.message);
      const lines = err.message
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !/^(See more help|The following errors? occurred:$)/.test(l));
      const message = several || lines.length < 2 ? lines.join("; ") : `${lines[0]}: ${lines.slice(1).join("; ")}`;
      if (this.jsonEnabled()) this.logJson(this.toErrorJson({ ...err, message }));
      else process.stderr.write(`Error: ${message}\nHint: see ${this.config.bin} ${this.id?.replace(/:/g, " ") ?? ""} --help\n`);
      this.exit(2);
    }
    return super.catch(err);
  }
}

/** A flag or argument error from oclif's parser (not this.exit(), which throws too). */
function isUsageError(err: Error & { oclif?: { exit?: number }; code?: string }): boolean {
  return err.oclif?.exit === 2 && err.code !== "EEXIT";
}

function oneLine(e: EngineError): string {
  return e.message.replace(/\s*\n\s*/g, " ");
}

/** Raised by commands for bad flag values oclif cannot check itself. */
export function usageError(message: string): EngineError {
  return new EngineError("USAGE", message);
}
