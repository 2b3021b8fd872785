// The authority engine in-process: TTLs, the append-only registry, failing closed.
import { appendFileSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { initAuthority } from "../../src/authority/keys.js";
import { registryPath } from "../../src/authority/paths.js";
import { revokeToken } from "../../src/authority/revoke.js";
import { issueToken, listTokens, verifyToken } from "../../src/authority/tokens.js";
import { parseTtl } from "../../src/authority/ttl.js";

describe("engine: authority", () => {
  const saved = process.env.COREASON_STATE_DIR;
  const dir = mkdtempSync(join(tmpdir(), "coreason-authority-"));
  before(async () => {
    process.env.COREASON_STATE_DIR = dir;
    await initAuthority();
  });
  after(() => {
    if (saved === undefined) delete process.env.COREASON_STATE_DIR;
    else process.env.COREASON_STATE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("parses TTLs", () => {
    expect([parseTtl("90s"), parseTtl("15m"), parseTtl("1h"), parseTtl("7d")]).to.deep.equal([90, 900, 3600, 604800]);
    for (const bad of ["", "1", "h", "0s", "-1h", "1.5h", "1w", "367d"]) expect(() => parseTtl(bad), bad).to.throw(/--ttl/);
  });

  it("concurrent issues all land in the registry", async () => {
    const issued = await Promise.all(Array.from({ length: 20 }, (_, i) => issueToken({ subject: `s${i}`, scopes: ["enclave:read"], ttlSeconds: 60 })));
    const ids = listTokens().map((t) => t.id);
    for (const t of issued) expect(ids).to.include(t.record.id);
    for (const t of issued.slice(0, 3)) expect((await verifyToken(t.token)).valid).to.equal(true);
  });

  it("a revocation appended by another process is seen on the next verification", async () => {
    const { token, record } = await issueToken({ subject: "ci", scopes: ["enclave:exec"], ttlSeconds: 60 });
    expect((await verifyToken(token)).valid).to.equal(true);
    appendFileSync(registryPath(), JSON.stringify({ version: 1, event: "revoked", id: record.id, at: new Date().toISOString() }) + "\n");
    expect(await verifyToken(token)).to.include({ valid: false, reason: "revoked" });
    expect(revokeToken(record.id).alreadyRevoked).to.equal(true);
  });

  it("fails closed on a corrupt registry, and a token missing from it is unknown", async () => {
    const { token } = await issueToken({ subject: "ci", scopes: ["enclave:read"], ttlSeconds: 60 });
    appendFileSync(registryPath(), "{ half a line\n");
    let thrown: Error | undefined;
    await verifyToken(token).catch((e) => (thrown = e));
    expect(thrown?.message).to.match(/token registry .* is corrupt \(not valid JSON\)/);
    writeFileSync(registryPath(), JSON.stringify({ version: 1, event: "revoked", id: "zz", at: "now" }) + "\n");
    expect(() => listTokens()).to.throw(/corrupt/);
    unlinkSync(registryPath());
    expect(await verifyToken(token)).to.include({ valid: false, reason: "unknown" });
  });

  it("scopes are checked against the list when issuing", async () => {
    let thrown: Error | undefined;
    await issueToken({ subject: "ci", scopes: ["enclave:root"], ttlSeconds: 60 }).catch((e) => (thrown = e));
    expect(thrown?.message).to.match(/unknown scope/);
  });
});
