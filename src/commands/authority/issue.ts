import { Flags } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { valueParser } from "../../cli/flags.js";
import { SCOPES } from "../../authority/scopes.js";
import { issueToken } from "../../authority/tokens.js";
import { parseTtl } from "../../authority/ttl.js";

export interface IssueResult {
  token: string;
  id: string;
  subject: string;
  scopes: string[];
  enclaves: string[] | null;
  issuedAt: string;
  expiresAt: string;
}

export default class AuthorityIssue extends EngineCommand {
  static override description = `Signs a capability token (an EdDSA JWT) for serve and prints only the token on stdout, so TOKEN=$(... authority issue ...) works. Scopes: ${SCOPES.join(", ")}. Without --enclave the token acts on every enclave. The registry records the token's id, never the token.`;
  static override examples = [
    "TOKEN=$(<%= config.bin %> <%= command.id %> --subject ci --scope enclave:exec --scope enclave:read --enclave OpenShell --ttl 1h)",
    "<%= config.bin %> <%= command.id %> --subject ops --scope enclave:start --scope enclave:stop --json",
  ];
  static override flags = {
    enclave: Flags.string({ description: "instance the token may act on (repeatable; default: all)", multiple: true }),
    scope: Flags.string({ description: "scope to grant (repeatable)", multiple: true, options: [...SCOPES], required: true }),
    subject: Flags.string({ description: "who the token is for (the JWT sub)", required: true }),
    ttl: Flags.custom<number>({
      description: "lifetime: a number and s, m, h or d",
      parse: valueParser(parseTtl),
      default: 3600,
      defaultHelp: async () => "1h",
    })(),
  };
  static override summary = "Issue a capability token.";

  async run(): Promise<IssueResult> {
    const { flags } = await this.parse(AuthorityIssue);
    const { token, record } = await issueToken({ subject: flags.subject, scopes: flags.scope, enclaves: flags.enclave, ttlSeconds: flags.ttl });
    if (!this.jsonEnabled()) this.log(token);
    const { revoked: _revoked, revokedAt: _at, ...rest } = record;
    return { token, ...rest };
  }
}
