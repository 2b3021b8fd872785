import { Args } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { ExitCode } from "../../engine/exit-codes.js";
import type { TokenRecord } from "../../authority/registry.js";
import { verifyToken } from "../../authority/tokens.js";

export interface VerifyResult {
  valid: boolean;
  reason?: string;
  message: string;
  id?: string;
  token?: TokenRecord;
}

export default class AuthorityVerify extends EngineCommand {
  static override args = {
    token: Args.string({ description: "the token (JWT) to check", required: true }),
  };
  static override description =
    "Checks TOKEN as serve would (signature, issuer, audience, expiry, registry, revocation) and says why it is valid or not. Exits 0 when valid, 1 when invalid.";
  static override examples = ['<%= config.bin %> <%= command.id %> "$TOKEN"'];
  static override summary = "Explain whether a token is valid.";

  async run(): Promise<VerifyResult> {
    const { args } = await this.parse(AuthorityVerify);
    const v = await verifyToken(args.token);
    const result: VerifyResult = v.valid
      ? {
          valid: true,
          message: `token ${v.record.id} for ${v.record.subject} grants ${v.scopes.join(" ")} on ${v.enclaves?.join(", ") ?? "every enclave"} until ${v.record.expiresAt}`,
          id: v.record.id,
          token: v.record,
        }
      : { valid: false, reason: v.reason, message: v.message, ...(v.id ? { id: v.id } : {}) };
    if (!this.jsonEnabled()) this.log(`${result.valid ? "valid" : "invalid"}: ${result.message}`);
    if (!v.valid) process.exitCode = ExitCode.FAILURE;
    return result;
  }
}
