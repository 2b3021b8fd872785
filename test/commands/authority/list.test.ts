import { expect } from "chai";
import { CliSandbox, expectSchema } from "../../helpers/cli.js";

describe("authority list", () => {
  const cli = new CliSandbox();
  after(() => cli.cleanup());

  it("with nothing issued", () => {
    expect(cli.run(["authority", "list"]).stdout).to.equal("no tokens issued\n");
    expect(JSON.parse(cli.run(["authority", "list", "--json"]).stdout)).to.deep.equal({ tokens: [] });
  });

  it("shows id, subject, scopes, enclaves, expiry and revocation, never the token", () => {
    cli.run(["authority", "init"]);
    const a = JSON.parse(cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:exec", "--enclave", "OpenShell", "--json"]).stdout);
    const b = JSON.parse(cli.run(["authority", "issue", "--subject", "ops", "--scope", "enclave:read", "--scope", "enclave:stop", "--json"]).stdout);
    cli.run(["authority", "revoke", b.id]);
    const r = cli.run(["authority", "list", "--json"]);
    expect(r.status).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/authority-list.json", doc);
    expect(doc.tokens.map((t: { id: string }) => t.id)).to.deep.equal([a.id, b.id]);
    expect(doc.tokens[0]).to.include({ subject: "ci", revoked: false, expiresAt: a.expiresAt });
    expect(doc.tokens[1]).to.include({ subject: "ops", revoked: true, enclaves: null });
    expect(r.stdout).not.to.include(a.token.split(".")[2]);
    const human = cli.run(["authority", "list"]).stdout;
    expect(human).to.match(new RegExp(`${a.id}\\s+ci\\s+enclave:exec\\s+OpenShell\\s+\\S+\\s+active`));
    expect(human).to.match(new RegExp(`${b.id}\\s+ops\\s+enclave:read,enclave:stop\\s+\\*\\s+\\S+\\s+revoked`));
  });
});
