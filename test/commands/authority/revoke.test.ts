import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema } from "../../helpers/cli.js";

describe("authority revoke", () => {
  const cli = new CliSandbox();
  after(() => cli.cleanup());

  it("revokes by id; the token stops verifying; revoking again is not an error", () => {
    cli.run(["authority", "init"]);
    const { token, id } = JSON.parse(cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:read", "--json"]).stdout);
    expect(cli.run(["authority", "verify", token]).status).to.equal(0);
    const r = cli.run(["authority", "revoke", id, "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/authority-revoke.json", doc);
    expect(doc).to.include({ id, revoked: true, alreadyRevoked: false });
    const v = cli.run(["authority", "verify", token]);
    expect(v.status).to.equal(1);
    expect(v.stdout).to.equal(`invalid: token ${id} was revoked at ${doc.revokedAt}\n`);
    const again = cli.run(["authority", "revoke", id]);
    expect(again.status).to.equal(0);
    expect(again.stdout).to.match(/was already revoked/);
  });

  it("an unknown id: exit 1", () => {
    expectCleanError(cli.run(["authority", "revoke", "0123456789abcdef"]), 1, /no token with id '0123456789abcdef'/);
  });
});
