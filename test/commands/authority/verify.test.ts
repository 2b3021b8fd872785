import { expect } from "chai";
import { CliSandbox, expectSchema } from "../../helpers/cli.js";

describe("authority verify", () => {
  const cli = new CliSandbox();
  after(() => cli.cleanup());

  it("no key yet: invalid (exit 1), saying so", () => {
    const r = cli.run(["authority", "verify", "a.b.c", "--json"]);
    expect(r.status).to.equal(1);
    expect(JSON.parse(r.stdout)).to.include({ valid: false, reason: "no-key" });
  });

  it("valid: exit 0 and what the token grants", () => {
    cli.run(["authority", "init"]);
    const token = cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:exec", "--enclave", "OpenShell"]).stdout.trim();
    const r = cli.run(["authority", "verify", token]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^valid: token [0-9a-f]{16} for ci grants enclave:exec on OpenShell until \S+Z\n$/);
    const json = JSON.parse(cli.run(["authority", "verify", token, "--json"]).stdout);
    expectSchema("output/authority-verify.json", json);
    expect(json.valid).to.equal(true);
    expect(json.token).to.include({ subject: "ci" });
  });

  it("invalid for each reason: malformed, tampered, expired (exit 1)", async () => {
    const cases: [string, string, RegExp][] = [];
    cases.push(["not-a-token", "malformed", /not a well-formed JWT/]);
    const token = cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:read"]).stdout.trim();
    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: "enclave:read enclave:exec" })).toString("base64url");
    cases.push([`${h}.${forged}.${s}`, "signature", /signature does not verify/]);
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    cases.push([`${none}.${p}.`, "malformed", /token is not signed with EdDSA/]);
    const short = cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:read", "--ttl", "1s"]).stdout.trim();
    await new Promise((r) => setTimeout(r, 1100));
    cases.push([short, "expired", /expired at/]);
    for (const [t, reason, message] of cases) {
      const r = cli.run(["authority", "verify", t, "--json"]);
      expect(r.status, t).to.equal(1);
      const doc = JSON.parse(r.stdout);
      expectSchema("output/authority-verify.json", doc);
      expect(doc.reason, t).to.equal(reason);
      expect(doc.message).to.match(message);
    }
  });
});
