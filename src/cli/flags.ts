// Flags whose values the parser itself checks and converts (oclif's Flags.custom), so a
// command receives typed values and a bad one is a usage error (2) before run().
import { Flags } from "@oclif/core";
import { EngineError, isEngineError } from "../engine/errors.js";

/** A flag value the parser refused. oclif rewrites a parse error's `message` into its
 *  own multi-line form; `reason` keeps the one line this error was made with. */
export class FlagValueError extends EngineError {
  constructor(readonly reason: string) {
    super("USAGE", reason);
  }
}

/** `convert` run by the parser; its EngineError becomes the flag's usage error. */
export function valueParser<T>(convert: (input: string) => T): (input: string) => Promise<T> {
  return async (input) => {
    try {
      return convert(input);
    } catch (e) {
      throw isEngineError(e) ? new FlagValueError(e.message) : e;
    }
  };
}

/** A string flag that must not be empty or blank. */
export const nonEmptyString = Flags.custom<string>({
  parse: async (input, _ctx, opts) => {
    if (!input.trim()) throw new FlagValueError(`--${opts.name} must not be empty`);
    return input;
  },
});
