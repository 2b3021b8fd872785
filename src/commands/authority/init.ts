import { Flags } from "@oclif/core";
import { EngineCommand } from "../../cli/engine-command.js";
import { initAuthority, InitResult } from "../../authority/keys.js";

export default class AuthorityInit extends EngineCommand {
  static override description =
    "Creates the Ed25519 key pair that signs capability tokens, in <state>/authority/signing-key.json with mode 0600. Refuses to replace an existing key (exit 1) unless --force is given; replacing it invalidates every token signed so far.";
  static override examples = ["<%= config.bin %> <%= command.id %>", "<%= config.bin %> <%= command.id %> --force --json"];
  static override flags = {
    force: Flags.boolean({ description: "replace an existing key (every issued token stops verifying)" }),
  };
  static override summary = "Create the authority's signing key.";

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(AuthorityInit);
    const result = await initAuthority({ force: flags.force });
    if (!this.jsonEnabled()) this.log(`${result.replaced ? "replaced" : "created"} authority key ${result.kid} in ${result.keyFile}`);
    return result;
  }
}
