import { EngineCommand } from "../../cli/engine-command.js";
import { renderTable } from "../../cli/render/table.js";
import type { TokenRecord } from "../../authority/registry.js";
import { listTokens } from "../../authority/tokens.js";

export interface ListTokensResult {
  tokens: TokenRecord[];
}

export default class AuthorityList extends EngineCommand {
  static override description =
    "Lists issued tokens from the registry: id, subject, scopes, enclaves, expiry and whether revoked. Tokens themselves are never stored, so they cannot be shown.";
  static override examples = ["<%= config.bin %> <%= command.id %>", "<%= config.bin %> <%= command.id %> --json"];
  static override summary = "List issued tokens.";

  async run(): Promise<ListTokensResult> {
    await this.parse(AuthorityList);
    const tokens = listTokens();
    if (!this.jsonEnabled()) {
      if (!tokens.length) this.log("no tokens issued");
      else
        this.log(
          renderTable(
            ["ID", "SUBJECT", "SCOPES", "ENCLAVES", "EXPIRES", "STATUS"],
            tokens.map((t) => [t.id, t.subject, t.scopes.join(","), t.enclaves?.join(",") ?? "*", t.expiresAt, status(t)]),
          ),
        );
    }
    return { tokens };
  }
}

function status(t: TokenRecord): string {
  if (t.revoked) return "revoked";
  return Date.parse(t.expiresAt) <= Date.now() ? "expired" : "active";
}
