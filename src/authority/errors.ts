// Authority failures carry their own exit status (exitFor honours `exit`), because
// the EngineError codes describe enclaves, not keys.
import { EngineError, EngineErrorCode } from "../engine/errors.js";
import { ExitCode } from "../engine/exit-codes.js";

export class AuthorityError extends EngineError {
  constructor(code: EngineErrorCode, message: string, readonly exit: number = ExitCode.FAILURE, suggestions?: string[]) {
    super(code, message, suggestions ? { suggestions } : {});
  }
}
