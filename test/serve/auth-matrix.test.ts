// serve's 4xx and auth matrix through fastify's inject() (no daemon, no socket): every
// /v1 route refuses a missing or forged token (401), a token without the route's scope
// or naming other instances (403), a traversal name (400), a body of the wrong type
// (415) or shape (400); the positive controls show the same requests get past the
// boundary with the right token. Routes come from the table, so a new route is covered.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { FastifyInstance } from "fastify";
import { initAuthority } from "../../src/authority/keys.js";
import { SCOPES, type Scope } from "../../src/authority/scopes.js";
import { issueToken } from "../../src/authority/tokens.js";
import { ROUTES, type RouteSpec } from "../../src/serve/routes.js";
import { buildServer, V1 } from "../../src/serve/server.js";

const NAME = "matrix-a";
const url = (r: RouteSpec, name = NAME) => r.url.replace(":name", encodeURIComponent(name)) + (r.query ? "?path=/workspace" : "");
const v1Routes = ROUTES.filter((r) => r.url.startsWith(V1));

describe("serve: the 4xx and auth matrix (inject)", function () {
  this.timeout(60000);
  const saved = process.env.COREASON_STATE_DIR;
  const dir = mkdtempSync(join(tmpdir(), "coreason-serve-matrix-"));
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  before(async () => {
    process.env.COREASON_STATE_DIR = dir;
    await initAuthority({ force: false });
    tokens.all = (await issueToken({ subject: "all", scopes: [...SCOPES], ttlSeconds: 600 })).token;
    tokens.otherInstance = (await issueToken({ subject: "b-only", scopes: [...SCOPES], enclaves: ["matrix-b"], ttlSeconds: 600 })).token;
    for (const s of SCOPES) tokens[`all-but-${s}`] = (await issueToken({ subject: `no-${s}`, scopes: SCOPES.filter((x) => x !== s), ttlSeconds: 600 })).token;
    // another authority's token: well-formed, signed by a key this daemon does not trust
    const other = mkdtempSync(join(tmpdir(), "coreason-serve-matrix-other-"));
    process.env.COREASON_STATE_DIR = other;
    await initAuthority({ force: false });
    tokens.forged = (await issueToken({ subject: "all", scopes: [...SCOPES], ttlSeconds: 600 })).token;
    rmSync(other, { recursive: true, force: true });
    process.env.COREASON_STATE_DIR = dir;
    app = buildServer({ log: () => {} }).app;
  });
  after(async () => {
    await app.close();
    if (saved === undefined) delete process.env.COREASON_STATE_DIR;
    else process.env.COREASON_STATE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (r: RouteSpec, headers: Record<string, string> = {}, name = NAME) => app.inject({ method: r.method, url: url(r, name), headers });

  it("every route under /v1 has a scope, and none outside it (checked at start-up)", () => {
    expect(v1Routes.length).to.be.at.least(8);
    for (const r of ROUTES) expect(!!r.scope, `${r.method} ${r.url}`).to.equal(r.url.startsWith(V1));
    ROUTES.push({ ...ROUTES[ROUTES.length - 1], url: "/v1/unguarded", scope: undefined });
    try {
      expect(() => buildServer({ log: () => {} })).to.throw(/under \/v1 has no scope/);
    } finally {
      ROUTES.pop();
    }
  });

  for (const r of v1Routes) {
    describe(`${r.method} ${r.url}`, () => {
      it("401 without a token, with a malformed one and with another authority's", async () => {
        for (const headers of [{}, { authorization: "Basic eDp5" }, bearer("not.a.jwt"), bearer(tokens.forged)]) {
          const res = await call(r, headers);
          expect(res.statusCode, JSON.stringify(headers)).to.equal(401);
          expect(res.json().error).to.equal("UNAUTHORIZED");
          expect(res.headers["www-authenticate"]).to.match(/^Bearer error=/);
        }
      });

      it(`403 for a token without ${r.scope}; past the boundary with it (positive control)`, async () => {
        const refused = await call(r, bearer(tokens[`all-but-${r.scope as Scope}`]));
        expect(refused.statusCode).to.equal(403);
        expect(refused.json()).to.include({ error: "FORBIDDEN" });
        expect(refused.json().message).to.include(`lacks scope ${r.scope}`);
        const allowed = await call(r, bearer(tokens.all));
        expect(allowed.statusCode, allowed.body).not.to.be.oneOf([401, 403]);
      });

      if (r.url.includes(":name")) {
        it("403 for a token naming other instances; 400 for a traversal name", async () => {
          const other = await call(r, bearer(tokens.otherInstance));
          expect(other.statusCode).to.equal(403);
          expect(other.json().message).to.include(`not valid for enclave ${NAME}`);
          for (const bad of ["a..b", ".hidden", "a".repeat(65), "a b"]) {
            const res = await call(r, bearer(tokens.all), bad);
            expect(res.statusCode, bad).to.equal(400);
            expect(res.json().error).to.equal("BAD_REQUEST");
          }
          // ".." itself never reaches a handler: the router normalises it away (404)
          expect((await call(r, bearer(tokens.all), "..")).statusCode).to.be.oneOf([400, 404]);
        });
      }

      if (r.body || r.tarBody) {
        it("415 for a body of the wrong media type", async () => {
          const res = await app.inject({
            method: r.method,
            url: url(r),
            headers: { ...bearer(tokens.all), "content-type": r.tarBody ? "application/json" : "application/x-tar" },
            payload: r.tarBody ? "{}" : Buffer.alloc(512),
          });
          expect(res.statusCode, res.body).to.equal(415);
          expect(res.json().error).to.equal("UNSUPPORTED_MEDIA_TYPE");
        });
      }

      if (r.body) {
        it("400 naming the field for a body the schema refuses", async () => {
          const res = await app.inject({ method: r.method, url: url(r), headers: bearer(tokens.all), payload: { unknownField: 1 } });
          expect(res.statusCode, res.body).to.equal(400);
          expect(res.json()).to.include({ error: "BAD_REQUEST" });
          expect(res.json().message).to.match(/^invalid request body: /);
          expect(res.json().violations).to.be.an("array").that.is.not.empty;
        });
      }
    });
  }

  it("404 for a route that does not exist, with or without a token", async () => {
    for (const headers of [{}, bearer(tokens.all)]) {
      const res = await app.inject({ method: "GET", url: "/v1/nothing-here", headers });
      expect(res.statusCode).to.equal(404);
      expect(res.json().error).to.equal("NOT_FOUND");
    }
  });

  it("an optional body may be absent; a present one is still validated", async () => {
    const probe = v1Routes.find((r) => r.body?.optional)!;
    const bad = await app.inject({ method: probe.method, url: url(probe), headers: bearer(tokens.all), payload: { memoryPages: "many" } });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().message).to.include("memoryPages");
    // absent: past validation to the engine, which knows no definition of that name
    const absent = await app.inject({ method: probe.method, url: url(probe), headers: bearer(tokens.all) });
    expect(absent.json().error, absent.body).to.equal("ENCLAVE_UNKNOWN");
  });

  it("an error after the body was read answers at once (no wait for a drained body)", async () => {
    const exec = v1Routes.find((r) => r.operationId === "execInEnclave")!;
    const t = Date.now();
    const res = await app.inject({ method: exec.method, url: url(exec), headers: bearer(tokens.all), payload: { cmd: "true" } });
    expect(res.statusCode).to.equal(404);
    expect(res.json().error).to.equal("ENCLAVE_NOT_RUNNING");
    expect(Date.now() - t).to.be.below(5000);
  });
});
