// serve's files routes: PUT and GET /v1/enclaves/{name}/files move tar streams in and
// out of a running instance under its policy; the scope enclave:files is required.
import { expect } from "chai";
import { initAuthority } from "../../src/authority/keys.js";
import { issueToken } from "../../src/authority/tokens.js";
import { readTar, writeTar } from "../../src/engine/files/tar.js";
import { buildOpenApi } from "../../src/serve/openapi.js";
import { buildServer } from "../../src/serve/server.js";
import { CliSandbox, expectSchema } from "../helpers/cli.js";

/** Real HTTP (not inject: an error answered after the body was read waits for a body
 *  end that an injected request never signals). */
interface Res {
  statusCode: number;
  headers: Record<string, string>;
  rawPayload: Buffer;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads its route's fields
  json(): any;
}

async function http(base: string, opts: { method: string; url: string; headers?: Record<string, string>; payload?: Buffer }): Promise<Res> {
  const r = await fetch(base + opts.url, { method: opts.method, headers: opts.headers, body: opts.payload ? new Uint8Array(opts.payload) : undefined });
  const raw = Buffer.from(await r.arrayBuffer());
  return {
    statusCode: r.status,
    headers: Object.fromEntries(r.headers),
    rawPayload: raw,
    body: raw.toString("utf8"),
    json: () => JSON.parse(raw.toString("utf8")),
  };
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const LIMITS = { maxEntries: 100, maxBytes: 1 << 20 };

describe("serve: /v1/enclaves/{name}/files", function () {
  this.timeout(60000);
  const cli = new CliSandbox();
  const saved = process.env.COREASON_STATE_DIR;
  const { app } = buildServer({ log: () => {} });
  let base = "";
  const inject = (opts: Parameters<typeof http>[1]) => http(base, opts);
  let files = "";
  let execOnly = "";
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });

  before(async () => {
    process.env.COREASON_STATE_DIR = cli.stateDir;
    cli.start();
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    await initAuthority({ force: false });
    files = (await issueToken({ subject: "ci-files", scopes: ["enclave:files"], ttlSeconds: 3600 })).token;
    execOnly = (await issueToken({ subject: "ci-exec", scopes: ["enclave:exec", "enclave:read"], ttlSeconds: 3600 })).token;
  });
  after(async () => {
    await app.close();
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
    if (saved === undefined) delete process.env.COREASON_STATE_DIR;
    else process.env.COREASON_STATE_DIR = saved;
  });

  const tree = writeTar([
    { name: "up", kind: "directory" },
    { name: "up/bytes.bin", kind: "file", data: ALL_BYTES },
    { name: "up/empty", kind: "file", data: Buffer.alloc(0) },
    { name: "up/nested/deep/f.txt", kind: "file", data: Buffer.from("deep\n") },
    { name: "up/link", kind: "symlink", linkname: "bytes.bin" },
  ]);
  const put = (path: string, body: Buffer, token = files, type = "application/x-tar") =>
    inject({
      method: "PUT",
      url: `/v1/enclaves/OpenShell/files?path=${encodeURIComponent(path)}`,
      headers: { ...auth(token), "content-type": type },
      payload: body,
    });
  const get = (path: string, token = files) =>
    inject({ method: "GET", url: `/v1/enclaves/OpenShell/files?path=${encodeURIComponent(path)}`, headers: auth(token) });

  it("uploads a tar into a directory and downloads it again, byte for byte", async () => {
    const up = await put("/workspace", tree);
    expect(up.statusCode, up.body).to.equal(200);
    const doc = up.json();
    expectSchema("output/sys-diagnostics-sandbox-cp.json", doc);
    expect(doc).to.include({ direction: "to-enclave", entries: 7, bytes: 261, reason: "copied" });
    expect(cli.exec("md5sum /workspace/up/bytes.bin; readlink /workspace/up/link").stdout).to.equal(
      "e2c865db4162bed963bfaa9ef6ac18f0  /workspace/up/bytes.bin\nbytes.bin\n",
    );
    const down = await get("/workspace/up");
    expect(down.statusCode, down.body).to.equal(200);
    expect(down.headers["content-type"]).to.match(/^application\/x-tar/);
    const entries = readTar(down.rawPayload, LIMITS);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect([...byName.keys()].sort()).to.deep.equal(["up", "up/bytes.bin", "up/empty", "up/link", "up/nested", "up/nested/deep", "up/nested/deep/f.txt"]);
    expect(byName.get("up/bytes.bin")!.data!.equals(ALL_BYTES)).to.equal(true);
    expect(byName.get("up/link")!.linkname).to.equal("bytes.bin");
  });

  it("a token without enclave:files gets 403 FORBIDDEN for both routes, and nothing is written", async () => {
    for (const r of [await put("/workspace/other", tree, execOnly), await get("/workspace/up", execOnly)]) {
      expect(r.statusCode).to.equal(403);
      expect(r.json()).to.include({ error: "FORBIDDEN" });
      expect(r.json().message).to.include("lacks scope enclave:files");
    }
    expect((await inject({ method: "GET", url: "/v1/enclaves/OpenShell/files?path=/workspace" })).statusCode).to.equal(401);
    expect(cli.exec("ls /workspace").stdout).to.equal("up\n");
  });

  it("the policy decides: a write or read outside the grants is 403 POLICY_DENIED with its lines, and audited", async () => {
    const w = await put("/etc", tree);
    expect(w.statusCode).to.equal(403);
    expect(w.json()).to.include({ error: "POLICY_DENIED" });
    expectSchema("api/error.json", w.json());
    const r = await get("/etc/passwd");
    expect(r.statusCode).to.equal(403);
    expect(r.json().violations).to.deep.equal(["DENIED stat /etc/passwd: Permission denied (filesystem_policy: not granted)"]);
    const audit = JSON.parse(cli.run(["sys-diagnostics", "sandbox-audit", "--enclave", "OpenShell", "--json"]).stdout);
    expect(audit.records.map((x: { path: string }) => x.path)).to.include("/etc/passwd");
    expect((await get("/etc/os-release")).statusCode, "positive control").to.equal(200);
  });

  it("bad requests: no path, a relative path, a malformed tar, JSON instead of tar, an unknown instance", async () => {
    const noPath = await inject({ method: "GET", url: "/v1/enclaves/OpenShell/files", headers: auth(files) });
    expect(noPath.statusCode).to.equal(400);
    expect((await get("workspace")).statusCode).to.equal(400);
    const bad = await put("/workspace", Buffer.from("garbage that is not a tar"));
    expect(bad.statusCode).to.equal(400);
    expect(bad.json()).to.include({ error: "TAR_INVALID" });
    const json = await put("/workspace", Buffer.from("{}"), files, "application/json");
    expect(json.statusCode).to.equal(415);
    const tarToExec = await inject({
      method: "POST",
      url: "/v1/enclaves/OpenShell/exec",
      headers: { ...auth(execOnly), "content-type": "application/x-tar" },
      payload: tree,
    });
    expect(tarToExec.statusCode).to.equal(415);
    const missing = await inject({ method: "GET", url: "/v1/enclaves/Nope/files?path=/workspace", headers: auth(files) });
    expect(missing.statusCode).to.equal(404);
    const notDir = await put("/workspace/up/bytes.bin", tree);
    expect(notDir.statusCode).to.equal(400);
    expect(notDir.json()).to.include({ error: "COPY_FAILED" });
  });

  it("is in the OpenAPI document with its scope, query parameter and tar bodies", () => {
    const doc = buildOpenApi() as {
      paths: Record<
        string,
        Record<
          string,
          {
            security: { bearer: string[] }[];
            parameters: { name: string; in: string }[];
            requestBody?: { content: Record<string, unknown> };
            responses: Record<string, { content?: Record<string, unknown> }>;
          }
        >
      >;
    };
    const ops = doc.paths["/v1/enclaves/{name}/files"];
    expect(ops.put.security).to.deep.equal([{ bearer: ["enclave:files"] }]);
    expect(ops.put.requestBody!.content).to.have.property("application/x-tar");
    expect(ops.get.responses["200"].content).to.have.property("application/x-tar");
    expect(ops.get.parameters.map((p) => `${p.in}:${p.name}`)).to.deep.equal(["path:name", "query:path"]);
  });
});
