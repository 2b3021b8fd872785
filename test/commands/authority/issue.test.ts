import { decodeJwt, decodeProtectedHeader } from "jose";
import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema } from "../../helpers/cli.js";

describe("authority issue", () => {
  const cli = new CliSandbox();
  after(() => cli.cleanup());

  it("without a key: exit 1 naming authority init", () => {
    expectCleanError(cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:read"]), 1, /no authority key at .*\n.*authority init/);
  });

  it("prints only the token on stdout: an EdDSA JWT with the scopes, enclaves and expiry", () => {
    expect(cli.run(["authority", "init"]).status).to.equal(0);
    const r = cli.run([
      "authority",
      "issue",
      "--subject",
      "ci",
      "--scope",
      "enclave:exec",
      "--scope",
      "enclave:read",
      "--enclave",
      "OpenShell",
      "--ttl",
      "30m",
    ]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    const token = r.stdout.trim();
    expect(decodeProtectedHeader(token)).to.include({ alg: "EdDSA", typ: "JWT" });
    const claims = decodeJwt(token);
    expectSchema("api/token-claims.json", claims);
    expect(claims).to.include({ sub: "ci", scope: "enclave:exec enclave:read" });
    expect(claims.enclaves).to.deep.equal(["OpenShell"]);
    expect(claims.exp! - claims.iat!).to.equal(1800);
  });

  it("no --enclave means every enclave; --json gives the record and the token", () => {
    const r = cli.run(["authority", "issue", "--subject", "ops", "--scope", "enclave:start", "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/authority-issue.json", doc);
    expect(doc.enclaves).to.equal(null);
    expect(decodeJwt(doc.token)).not.to.have.property("enclaves");
    expect(decodeJwt(doc.token).jti).to.equal(doc.id);
  });

  it("rejects unknown scopes, bad TTLs and bad enclave names (exit 2)", () => {
    expect(cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:everything"]).status).to.equal(2);
    expectCleanError(
      cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:read", "--ttl", "soon"]),
      2,
      /--ttl 'soon': expected a number and a unit/,
    );
    expectCleanError(cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:read", "--ttl", "400d"]), 2, /at most 366d/);
    expectCleanError(cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:read", "--enclave", "../x"]), 2, /invalid instance name '\.\.\/x'/);
    expect(cli.run(["authority", "issue", "--scope", "enclave:read"]).status).to.equal(2);
  });
});
