import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema } from "../../helpers/cli.js";

describe("authority init", () => {
  const cli = new CliSandbox();
  after(() => cli.cleanup());
  const keyFile = () => join(cli.stateDir, "authority", "signing-key.json");

  it("creates an Ed25519 key pair in the state directory, mode 0600", () => {
    const r = cli.run(["authority", "init", "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/authority-init.json", doc);
    expect(doc).to.include({ keyFile: keyFile(), replaced: false });
    expect(statSync(keyFile()).mode & 0o777).to.equal(0o600);
    expectSchema("authority/signing-key.json", JSON.parse(readFileSync(keyFile(), "utf8")));
    expect(JSON.parse(readFileSync(keyFile(), "utf8")).publicJwk).to.include({ kty: "OKP", crv: "Ed25519" });
  });

  it("refuses to overwrite without --force (exit 1), with a hint", () => {
    const before = readFileSync(keyFile(), "utf8");
    const r = cli.run(["authority", "init"]);
    expectCleanError(r, 1, /an authority key already exists/);
    expect(r.stderr).to.match(/Hint: pass --force/);
    expect(readFileSync(keyFile(), "utf8")).to.equal(before);
    const json = cli.run(["authority", "init", "--json"]);
    expect(json.status).to.equal(1);
    expectSchema("output/error.json", JSON.parse(json.stdout));
  });

  it("--force replaces the key, and tokens signed by the old one stop verifying", () => {
    const token = cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:read"]).stdout.trim();
    expect(cli.run(["authority", "verify", token]).status).to.equal(0);
    const r = cli.run(["authority", "init", "--force", "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).replaced).to.equal(true);
    expect(statSync(keyFile()).mode & 0o777).to.equal(0o600);
    const v = cli.run(["authority", "verify", token]);
    expect(v.status).to.equal(1);
    expect(v.stdout).to.match(/^invalid: signature does not verify/);
  });
});
