// argv[0] of a foreign module. @wasmer/sdk passes a package command's name as argv[0]
// and installs the module as /bin/<name>, so the name must be a valid SDK command name
// and must not be one of the enclave's own commands (it would replace /bin/<name>).
import { basename } from "node:path";
import { EngineError } from "../errors.js";

/** The SDK's rule for command names. */
const COMMAND_NAME = /^[A-Za-z0-9._+-]+$/;
/** What a raw module's command is called when no usable name is given. */
export const DEFAULT_ARGV0 = "main";

function problem(name: string, enclaveCommands: readonly string[]): string | undefined {
  if (!COMMAND_NAME.test(name) || name === "." || name === "..") return "may contain only ASCII letters, digits, '.', '_', '-' and '+' (and is not . or ..)";
  if (enclaveCommands.includes(name)) return `names one of the enclave's own commands (/bin/${name}); choose another name`;
  return undefined;
}

/** An explicit argv0 (checked: a bad one is a usage error), else the module file's
 *  base name when it is usable, else "main". */
export function resolveArgv0(explicit: string | undefined, file: string | undefined, enclaveCommands: readonly string[], input = "argv0"): string {
  if (explicit !== undefined) {
    const why = problem(explicit, enclaveCommands);
    if (why) throw new EngineError("USAGE", `${input} ${JSON.stringify(explicit)}: ${why}`);
    return explicit;
  }
  const base = file ? basename(file) : DEFAULT_ARGV0;
  return problem(base, enclaveCommands) ? DEFAULT_ARGV0 : base;
}
