// serve's request log names who asked: the token's subject and id, also when the token
// was valid but lacked the route's scope (403).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { issueToken } from "../../src/authority/tokens.js";
import { initAuthority } from "../../src/authority/keys.js";
import type { LogEntry } from "../../src/serve/request-log.js";
import { buildServer } from "../../src/serve/server.js";

describe("serve request log", () => {
  const saved = process.env.COREASON_STATE_DIR;
  const dir = mkdtempSync(join(tmpdir(), "coreason-serve-log-"));
  before(() => (process.env.COREASON_STATE_DIR = dir));
  after(() => {
    if (saved === undefined) delete process.env.COREASON_STATE_DIR;
    else process.env.COREASON_STATE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("a 403 for a missing scope names the token's subject and id; a 401 names none", async () => {
    await initAuthority({ force: false });
    const issued = await issueToken({ subject: "ci-reader", scopes: ["enclave:read"], ttlSeconds: 3600 });
    const lines: LogEntry[] = [];
    const { app } = buildServer({ log: (e) => lines.push(e) });
    try {
      const denied = await app.inject({ method: "DELETE", url: "/v1/enclaves/OpenShell", headers: { authorization: `Bearer ${issued.token}` } });
      expect(denied.statusCode).to.equal(403);
      const anonymous = await app.inject({ method: "DELETE", url: "/v1/enclaves/OpenShell" });
      expect(anonymous.statusCode).to.equal(401);
    } finally {
      await app.close();
    }
    expect(lines[0]).to.include({ msg: "request", status: 403, subject: "ci-reader", tokenId: issued.record.id, error: "FORBIDDEN" });
    expect(lines[1]).to.include({ status: 401 }).and.not.to.have.property("subject");
  });
});
