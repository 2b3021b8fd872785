import { Args } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { revokeToken, RevokeResult } from "../../authority/revoke.js";

export default class AuthorityRevoke extends EngineCommand {
  static override args = {
    id: Args.string({ description: "token id (from authority list)", required: true }),
  };
  static override description =
    "Revokes the token with id ID. A running serve daemon refuses it (401) from its next request on; no restart is needed. Revoking twice is not an error. Exits 1 for an unknown id.";
  static override examples = ["<%= config.bin %> <%= command.id %> 3f2a9c0d1e4b5a67"];
  static override summary = "Revoke an issued token.";

  async run(): Promise<RevokeResult> {
    const { args } = await this.parse(AuthorityRevoke);
    const result = revokeToken(args.id);
    if (!this.jsonEnabled()) this.log(result.alreadyRevoked ? `${result.id} was already revoked at ${result.revokedAt}` : `revoked ${result.id}`);
    return result;
  }
}
