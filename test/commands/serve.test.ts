// serve end to end: a real daemon (node bin/run.js serve --port 0) on 127.0.0.1, real
// HTTP, tokens from the authority commands, instances shared with the CLI.
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { expect } from "chai";
import { CliSandbox, expectSchema, ROOT } from "../helpers/cli.js";
import { ServeProcess } from "../helpers/serve-process.js";

const fixture = (name: string) => join(ROOT, "dist", "guest", "fixtures", `${name}.wasm`);
const ALL_SCOPES = ["enclave:read", "enclave:start", "enclave:exec", "enclave:stop", "enclave:probe", "enclave:audit"];

interface Res {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields of its route's document
  body: any;
  text: string;
  headers: Headers;
}

describe("serve", function () {
  const cli = new CliSandbox();
  let server: ServeProcess;
  let base: string;
  const tokens: Record<string, string> = {};
  const hostPids = new Set<number>();

  const issue = (args: string[]) => {
    const r = cli.run(["authority", "issue", ...args]);
    expect(r.status, r.stderr).to.equal(0);
    return r.stdout.trim();
  };

  async function call(
    method: string,
    path: string,
    opts: { token?: string | null; json?: unknown; body?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<Res> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? tokens.all : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers["content-type"] ??= "application/json";
    }
    const r = await fetch(base + path, { method, headers, body: body as BodyInit | undefined });
    const text = await r.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: r.status, body: parsed, text, headers: r.headers };
  }

  const exec = (json: unknown, token?: string) => call("POST", "/v1/enclaves/OpenShell/exec", { json, token });

  function expectError(r: Res, status: number, pattern: RegExp) {
    expect(r.status, r.text).to.equal(status);
    expectSchema("api/error.json", r.body);
    expect(r.body.message).to.match(pattern);
  }

  before(async function () {
    expect(cli.run(["authority", "init"]).status).to.equal(0);
    tokens.all = issue(["--subject", "ci", ...ALL_SCOPES.flatMap((s) => ["--scope", s])]);
    tokens.read = issue(["--subject", "reader", "--scope", "enclave:read"]);
    tokens.other = issue(["--subject", "other", "--scope", "enclave:exec", "--scope", "enclave:read", "--enclave", "Other"]);
    server = new ServeProcess(cli);
    base = await server.url;
  });

  after(async function () {
    // Stop every instance this suite started, then the daemon; cleanup() kills by pid.
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    for (const pid of hostPids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    server?.kill();
    cli.cleanup();
  });

  it("GET /healthz needs no token and reports the engine version and instance count", async () => {
    const r = await call("GET", "/healthz", { token: null });
    expect(r.status).to.equal(200);
    expectSchema("api/health.json", r.body);
    expect(r.body).to.deep.equal({ status: "ok", engineVersion: JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version, instances: 0 });
  });

  it("GET /openapi.json is an OpenAPI 3.1 document the validator accepts, covering every route", async () => {
    const r = await call("GET", "/openapi.json", { token: null });
    expect(r.status).to.equal(200);
    expect(r.body.openapi).to.equal("3.1.0");
    const result = await new Validator().validate(r.body);
    expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
    expect(Object.keys(r.body.paths)).to.include.members([
      "/healthz",
      "/openapi.json",
      "/v1/enclaves",
      "/v1/enclaves/{name}",
      "/v1/enclaves/{name}/exec",
      "/v1/enclaves/{name}/probe",
      "/v1/enclaves/{name}/audit",
    ]);
    // request bodies are the files the daemon validates with
    expect(r.body.components.schemas["api.exec-request"].properties).to.have.keys(
      "cmd",
      "wasm",
      "args",
      "timeoutMs",
      "env",
      "envClear",
      "argv0",
      "stdin",
      "workdir",
    );
    expect(r.body.components.schemas).to.have.property("output.sys-diagnostics-sandbox-exec");
  });

  describe("tokens", () => {
    it("401 for a missing, malformed or forged token", async () => {
      expectError(await call("GET", "/v1/enclaves", { token: null }), 401, /missing token/);
      const garbage = await call("GET", "/v1/enclaves", { token: "not.a.jwt" });
      expectError(garbage, 401, /invalid token: not a well-formed JWT/);
      expect(garbage.headers.get("www-authenticate")).to.match(/^Bearer error="invalid_token"/);
      // the same claims signed by another authority's key
      const elsewhere = new CliSandbox();
      try {
        elsewhere.run(["authority", "init"]);
        const foreign = elsewhere.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:read"]).stdout.trim();
        expectError(await call("GET", "/v1/enclaves", { token: foreign }), 401, /signature does not verify/);
      } finally {
        elsewhere.cleanup();
      }
    });

    it("401 once a token has expired", async () => {
      const short = issue(["--subject", "brief", "--scope", "enclave:read", "--ttl", "3s"]);
      expect((await call("GET", "/v1/enclaves", { token: short })).status).to.equal(200);
      await new Promise((r) => setTimeout(r, 3200));
      expectError(await call("GET", "/v1/enclaves", { token: short }), 401, /expired at/);
    });

    it("a token revoked while the daemon runs is refused on the next request", async () => {
      const t = issue(["--subject", "soon-revoked", "--scope", "enclave:read", "--json"]);
      const { token, id } = JSON.parse(t);
      expect((await call("GET", "/v1/enclaves", { token })).status).to.equal(200);
      expect(cli.run(["authority", "revoke", id]).status).to.equal(0);
      expectError(await call("GET", "/v1/enclaves", { token }), 401, new RegExp(`token ${id} was revoked`));
    });

    it("403 for a missing scope", async () => {
      expectError(await call("POST", "/v1/enclaves", { token: tokens.read, json: { enclave: "OpenShell" } }), 403, /lacks scope enclave:start/);
      expectError(await call("DELETE", "/v1/enclaves/OpenShell", { token: tokens.read }), 403, /lacks scope enclave:stop/);
    });
  });

  describe("enclaves", () => {
    it("POST /v1/enclaves starts an instance: 201 with the instance, the CLI sees it", async () => {
      const r = await call("POST", "/v1/enclaves", { json: { enclave: "OpenShell", memoryPages: 128 } });
      expect(r.status, r.text).to.equal(201);
      expectSchema("api/instance.json", r.body);
      hostPids.add(r.body.pid);
      expect(r.body).to.include({ enclave: "OpenShell", definition: "OpenShell", memoryPages: 128 });
      expect(r.headers.get("location")).to.equal("/v1/enclaves/OpenShell");
      const list = cli.run(["sys-diagnostics", "sandbox-list", "--json"]);
      expect(JSON.parse(list.stdout).instances.map((i: { name: string }) => i.name)).to.deep.equal(["OpenShell"]);
      expect(cli.exec("echo from-cli > /workspace/shared").status).to.equal(0);
      expect((await exec({ cmd: "cat /workspace/shared" })).body.stdout).to.equal("from-cli\n");
      expect((await call("GET", "/healthz", { token: null })).body.instances).to.equal(1);
    });

    it("409 for a name already running; 400 for an unknown definition, a bad field or a bad policy", async () => {
      expectError(await call("POST", "/v1/enclaves", { json: { enclave: "OpenShell" } }), 409, /already running/);
      const unknown = await call("POST", "/v1/enclaves", { json: { enclave: "NoSuchEnclave" } });
      expectError(unknown, 400, /unknown enclave 'NoSuchEnclave'/);
      expect(unknown.body.error).to.equal("ENCLAVE_UNKNOWN");
      expectError(await call("POST", "/v1/enclaves", { json: { enclave: "OpenShell", memoryPages: 0 } }), 400, /\/memoryPages: must be >= 1/);
      const policy = await call("POST", "/v1/enclaves", {
        json: { enclave: "OpenShell", policy: { version: 1, filesystem_policy: { read_only: ["relative/dir"] } } },
      });
      expectError(policy, 400, /must be an absolute path/);
      expect(policy.body.error).to.equal("POLICY_INVALID");
      expect(policy.body.violations).to.deep.equal(['/filesystem_policy/read_only/0: must be an absolute path, got "relative/dir"']);
    });

    it("GET /v1/enclaves lists instances, only those the token names", async () => {
      const r = await call("GET", "/v1/enclaves");
      expect(r.status).to.equal(200);
      expectSchema("output/sys-diagnostics-sandbox-list.json", r.body);
      expect(r.body.instances).to.have.length(1);
      expect(r.body.instances[0]).to.include({ name: "OpenShell", status: "running" });
      expect((await call("GET", "/v1/enclaves", { token: tokens.other })).body).to.deep.equal({ instances: [] });
    });
  });

  describe("exec", () => {
    it("returns the sandbox-exec --json document", async () => {
      const r = await exec({ cmd: "echo out; echo err >&2; exit 3" });
      expect(r.status).to.equal(200);
      expectSchema("output/sys-diagnostics-sandbox-exec.json", r.body);
      expect(r.body).to.include({ enclave: "OpenShell", exitCode: 3, guestExitCode: 3, reason: "exited", stdout: "out\n", stderr: "err\n", truncated: false });
    });

    it("a policy denial is data: 200, reason denied, exitCode 77", async () => {
      const r = await exec({ cmd: "cat /etc/passwd; echo after" });
      expect(r.status).to.equal(200);
      expect(r.body).to.include({ exitCode: 77, reason: "denied", stdout: "after\n" });
      expect(r.body.violations).to.deep.equal([{ operation: "open", path: "/etc/passwd", rule: "filesystem_policy: not granted", decision: "denied" }]);
    });

    it("passes env, stdin and timeoutMs", async () => {
      const env = await exec({ cmd: "echo $FOO", env: { FOO: "bar baz" } });
      expect(env.body.stdout).to.equal("bar baz\n");
      const stdin = await exec({ cmd: "wc -l", stdin: "a\nb\nc\n" });
      expect(stdin.body.stdout.trim()).to.equal("3");
      expect((await exec({ cmd: "cat; echo done" })).body.stdout).to.equal("done\n");
      const slow = await exec({ cmd: "while true; do :; done", timeoutMs: 500 });
      expect(slow.body).to.include({ exitCode: 124, reason: "timeout" });
    });

    it("runs a base64 WASI module with args", async () => {
      const hello = await exec({ wasm: readFileSync(fixture("hello")).toString("base64") });
      expect(hello.body).to.include({ exitCode: 0, stdout: "fixture ok\n" });
      await exec({ cmd: "echo data > /workspace/f" });
      const cat = await exec({ wasm: readFileSync(fixture("cat-file")).toString("base64"), args: ["/workspace/f"] });
      expect(cat.body).to.include({ exitCode: 0, stdout: "data\n" });
      const bad = await exec({ wasm: Buffer.from("not wasm at all").toString("base64") });
      expectError(bad, 400, /body\.wasm: not a WebAssembly module/);
      expect(bad.body.error).to.equal("MODULE_REJECTED");
    });

    it("argv0 and envClear reach a wasm module (argv[0] is main without argv0)", async () => {
      const wasm = readFileSync(fixture("fidelity")).toString("base64");
      expect((await exec({ wasm, args: ["args"] })).body.stdout).to.equal("argc 2\nargv[0] main\nargv[1] args\n");
      expect((await exec({ wasm, args: ["args"], argv0: "tool" })).body.stdout).to.equal("argc 2\nargv[0] tool\nargv[1] args\n");
      expect((await exec({ wasm, args: ["env"], env: { A: "1" }, envClear: true })).body.stdout).to.equal("A=1\n");
      expectError(await exec({ wasm, argv0: "a b" }), 400, /argv0/);
      expectError(await exec({ wasm, argv0: "sh" }), 400, /^argv0 "sh": names one of the enclave's own commands/);
      expectError(await exec({ cmd: "true", argv0: "x" }), 400, /argv0/);
    });

    it("Accept: application/x-ndjson streams output events and ends with an exit event", async () => {
      const r = await fetch(`${base}/v1/enclaves/OpenShell/exec`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.all}`, "content-type": "application/json", accept: "application/x-ndjson" },
        body: JSON.stringify({ cmd: "for i in 1 2 3; do echo line-$i; done; echo oops >&2; cat /etc/shadow" }),
      });
      expect(r.status).to.equal(200);
      expect(r.headers.get("content-type")).to.match(/^application\/x-ndjson/);
      const events = (await r.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      for (const e of events) expectSchema("api/exec-event.json", e);
      const last = events.at(-1);
      expect(last).to.include({ type: "exit", exitCode: 77, reason: "denied" });
      expect(events.filter((e) => e.type === "exit")).to.have.length(1);
      expect(
        events
          .filter((e) => e.type === "stdout")
          .map((e) => e.data)
          .join(""),
      ).to.equal("line-1\nline-2\nline-3\n");
      expect(
        events
          .filter((e) => e.type === "stderr")
          .map((e) => e.data)
          .join(""),
      ).to.include("oops\n");
    });

    it("a streamed exec on a missing instance is a plain JSON 404, not a stream", async () => {
      const r = await call("POST", "/v1/enclaves/Missing/exec", { json: { cmd: "true" }, headers: { accept: "application/x-ndjson" } });
      expectError(r, 404, /enclave Missing is not running/);
    });

    it("fifty concurrent execs all succeed with their own output", async function () {
      const t = performance.now();
      const runs = await Promise.all(
        Array.from({ length: 50 }, (_, i) => exec({ cmd: `echo start-${i}; echo ${i} > /tmp/c${i}; cat /tmp/c${i}; echo end-${i}` })),
      );
      runs.forEach((r, i) => {
        expect(r.status, r.text).to.equal(200);
        expect(r.body).to.include({ exitCode: 0, stdout: `start-${i}\n${i}\nend-${i}\n` });
      });
      this.test!.title += ` (${Math.round(performance.now() - t)} ms)`;
    });

    it("404 for an unknown instance; 403 with a token for another enclave", async () => {
      expectError(await call("POST", "/v1/enclaves/Nope/exec", { json: { cmd: "true" } }), 404, /enclave Nope is not running/);
      expectError(await call("POST", "/v1/enclaves/Nope/exec", { json: { wasm: "AGFzbQEAAAA=" } }), 404, /enclave Nope is not running/);
      const other = await exec({ cmd: "true" }, tokens.other);
      expectError(other, 403, /not valid for enclave OpenShell \(it names Other\)/);
    });
  });

  describe("hostile requests get a clean 4xx and the daemon stays up", () => {
    it("a malformed body: 400", async () => {
      const r = await call("POST", "/v1/enclaves/OpenShell/exec", { body: '{"cmd": ', headers: { "content-type": "application/json" } });
      expectError(r, 400, /not valid JSON/);
    });

    it("schema violations: 400 naming the field", async () => {
      expectError(await exec({ cmd: "true", timeoutMs: "soon" }), 400, /\/timeoutMs: must be integer/);
      expectError(await exec({ cmd: "true", extra: 1 }), 400, /unknown field 'extra'/);
      expectError(await exec({ cmd: "true", wasm: "AA==" }), 400, /exactly one of 'cmd' or 'wasm'/);
      expectError(await exec({}), 400, /exactly one of 'cmd' or 'wasm'/);
      expectError(await exec({ cmd: "true", args: ["x"] }), 400, /args.*wasm|wasm.*args/);
      expectError(await exec({ cmd: "true", env: { "BAD-NAME": "x" } }), 400, /\/env/);
      expectError(await exec([]), 400, /must be object/);
    });

    it("a wrong content type: 415", async () => {
      const r = await call("POST", "/v1/enclaves/OpenShell/exec", { body: "echo hi", headers: { "content-type": "text/plain" } });
      expectError(r, 415, /Unsupported Media Type/);
      expect(r.body.error).to.equal("UNSUPPORTED_MEDIA_TYPE");
    });

    it("a body over the limit: 413", async () => {
      // The daemon answers as soon as the limit is passed and may close the socket
      // while the client is still writing: read the response, ignore the EPIPE.
      const huge = Buffer.concat([Buffer.from('{"cmd":"'), Buffer.alloc(17 * 1024 * 1024, "a"), Buffer.from('"}')]);
      const r = await rawRequest(base, "POST", "/v1/enclaves/OpenShell/exec", huge, tokens.all);
      expect(r.status).to.equal(413);
      expectSchema("api/error.json", JSON.parse(r.body));
      expect(JSON.parse(r.body).message).to.match(/over the limit of 16777216 bytes/);
    });

    it("a path-traversal instance name: 400 or 404, never a path", async () => {
      expectError(await call("POST", "/v1/enclaves/..%2Fx/exec", { json: { cmd: "true" } }), 400, /invalid enclave name '\.\.\/x'/);
      expectError(await call("GET", "/v1/enclaves/..%2F..%2Fetc/audit"), 400, /invalid enclave name/);
      // Sent as-is (fetch would normalise it away)
      for (const [method, path] of [
        ["POST", "/v1/enclaves/../x/exec"],
        ["DELETE", "/v1/enclaves/.."],
        ["GET", "/v1/enclaves/../../../etc/audit"],
      ]) {
        const raw = await rawRequest(base, method, path, method === "POST" ? JSON.stringify({ cmd: "true" }) : "", tokens.all);
        expect(raw.status, `${method} ${path}`).to.be.oneOf([400, 404]);
        expectSchema("api/error.json", JSON.parse(raw.body));
      }
    });

    it("unknown routes: 404 JSON", async () => {
      expectError(await call("GET", "/v2/nothing"), 404, /no route GET \/v2\/nothing/);
    });

    it("is still serving", async () => {
      expect((await call("GET", "/healthz", { token: null })).status).to.equal(200);
      expect((await exec({ cmd: "echo alive" })).body.stdout).to.equal("alive\n");
    });
  });

  describe("probe and audit", () => {
    it("GET /v1/enclaves/{name}/audit returns the audit records", async () => {
      const r = await call("GET", "/v1/enclaves/OpenShell/audit");
      expect(r.status).to.equal(200);
      expectSchema("output/sys-diagnostics-sandbox-audit.json", r.body);
      expect(r.body.records.map((x: { path: string }) => x.path)).to.include.members(["/etc/passwd", "/etc/shadow"]);
      expectError(await call("GET", "/v1/enclaves/Nope/audit"), 404, /not running/);
    });

    it("POST /v1/enclaves/{name}/probe returns the report: every probe held", async () => {
      const r = await call("POST", "/v1/enclaves/OpenShell/probe");
      expect(r.status, JSON.stringify(r.body).slice(0, 2000)).to.equal(200);
      expectSchema("probe-report.schema.json", r.body);
      const n = r.body.results.length;
      expect(n).to.be.at.least(45);
      expect(r.body.totals).to.deep.equal({ held: n, breached: 0, error: 0, total: n });
      expect(r.body.passed).to.equal(true);
      expectError(await call("POST", "/v1/enclaves/OpenShell/probe", { json: { bogus: true } }), 400, /unknown field 'bogus'/);
    });
  });

  describe("named instances: routes and tokens by instance name", () => {
    let tokenA: string;
    before(async function () {
      for (const [name, pages] of [
        ["inst-a", 64],
        ["inst-b", 128],
      ] as const) {
        const r = await call("POST", "/v1/enclaves", { json: { enclave: "OpenShell", name, memoryPages: pages } });
        expect(r.status, r.text).to.equal(201);
        expectSchema("api/instance.json", r.body);
        expect(r.body).to.include({ enclave: name, definition: "OpenShell", memoryPages: pages });
        expect(r.headers.get("location")).to.equal(`/v1/enclaves/${name}`);
        hostPids.add(r.body.pid);
      }
      tokenA = issue(["--subject", "a-only", ...ALL_SCOPES.flatMap((s) => ["--scope", s]), "--enclave", "inst-a"]);
    });

    it("every /v1/enclaves/{name} route acts on the instance; files and audit are the instance's own", async () => {
      const inA = (json: unknown) => call("POST", "/v1/enclaves/inst-a/exec", { json, token: tokenA });
      expect((await inA({ cmd: "echo a > /workspace/f; cat /etc/shadow" })).body).to.include({ exitCode: 77 });
      expect((await inA({ cmd: "cat /workspace/f" })).body.stdout).to.equal("a\n");
      const inB = await call("POST", "/v1/enclaves/inst-b/exec", { json: { cmd: "cat /workspace/f" } });
      expect(inB.body).to.include({ exitCode: 1, stdout: "" });
      expect((await call("GET", "/v1/enclaves/inst-a", { token: tokenA })).body.limits.memoryPages).to.equal(64);
      expect((await call("GET", "/v1/enclaves/inst-b")).body.limits.memoryPages).to.equal(128);
      expect((await call("GET", "/v1/enclaves/inst-a/audit", { token: tokenA })).body.records.map((r: { path: string }) => r.path)).to.deep.equal([
        "/etc/shadow",
      ]);
      expect((await call("GET", "/v1/enclaves/inst-b/audit")).body).to.deep.include({ enclave: "inst-b", state: "running", records: [] });
    });

    it("a token naming instance A cannot act on instance B of the same definition (positive control: on A it can)", async () => {
      const forB: [string, string, unknown?][] = [
        ["POST", "/v1/enclaves/inst-b/exec", { cmd: "true" }],
        ["GET", "/v1/enclaves/inst-b"],
        ["GET", "/v1/enclaves/inst-b/audit"],
        ["DELETE", "/v1/enclaves/inst-b"],
        ["POST", "/v1/enclaves", { enclave: "OpenShell", name: "inst-b" }],
        ["POST", "/v1/enclaves", { enclave: "OpenShell" }], // the default name is the definition's, not A
      ];
      for (const [method, path, json] of forB)
        expectError(await call(method, path, { json, token: tokenA }), 403, /not valid for enclave (inst-b|OpenShell) \(it names inst-a\)/);
      expect((await call("POST", "/v1/enclaves/inst-a/exec", { json: { cmd: "true" }, token: tokenA })).status).to.equal(200);
      expect((await call("GET", "/v1/enclaves", { token: tokenA })).body.instances.map((i: { name: string }) => i.name)).to.deep.equal(["inst-a"]);
      // a token naming the definition names the instance called OpenShell, not every instance of it
      const forDefinition = issue(["--subject", "def", "--scope", "enclave:exec", "--enclave", "OpenShell"]);
      expectError(await call("POST", "/v1/enclaves/inst-b/exec", { json: { cmd: "true" }, token: forDefinition }), 403, /not valid for enclave inst-b/);
      expect((await call("POST", "/v1/enclaves/inst-b/exec", { json: { cmd: "true" } })).status, "an unrestricted token may").to.equal(200);
    });

    it("an instance name that is a path, or one already running, is refused", async () => {
      for (const name of ["../etc", "a/b", ".x"]) expectError(await call("POST", "/v1/enclaves", { json: { enclave: "OpenShell", name } }), 400, /name/);
      const again = await call("POST", "/v1/enclaves", { json: { enclave: "OpenShell", name: "inst-a" } });
      expectError(again, 409, /already running/);
    });

    it("exec workdir: the guest starts there; a denied, missing or relative one is a 400 and nothing runs", async () => {
      const ok = await call("POST", "/v1/enclaves/inst-a/exec", { json: { cmd: "pwd", workdir: "/tmp" }, token: tokenA });
      expect(ok.body).to.include({ exitCode: 0, stdout: "/tmp\n" });
      for (const [workdir, code] of [
        ["/etc", "WORKDIR_DENIED"],
        ["/workspace/none", "WORKDIR_MISSING"],
        ["rel", "BAD_REQUEST"],
      ]) {
        const r = await call("POST", "/v1/enclaves/inst-a/exec", { json: { cmd: "pwd", workdir }, token: tokenA });
        expectError(r, 400, /workdir/);
        expect(r.body.error).to.equal(code);
      }
    });

    it("DELETE keeps the audit log: GET .../audit then answers with state stopped", async () => {
      expect((await call("DELETE", "/v1/enclaves/inst-a", { token: tokenA })).status).to.equal(204);
      const kept = await call("GET", "/v1/enclaves/inst-a/audit", { token: tokenA });
      expect(kept.status, kept.text).to.equal(200);
      expectSchema("output/sys-diagnostics-sandbox-audit.json", kept.body);
      expect(kept.body).to.include({ enclave: "inst-a", state: "stopped" });
      expect(kept.body.records.map((r: { path: string }) => r.path)).to.deep.equal(["/etc/shadow"]);
      expect((await call("DELETE", "/v1/enclaves/inst-b")).status).to.equal(204);
    });
  });

  describe("stop and dead hosts", () => {
    it("a killed host is a 404 saying it died; POST /v1/enclaves starts it again", async () => {
      const pid = JSON.parse(readFileSync(join(cli.stateDir, "instances", "OpenShell", "instance.json"), "utf8")).pid;
      process.kill(pid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 300));
      const r = await exec({ cmd: "true" });
      expectError(r, 404, /no longer running|died/);
      expect(r.body.error).to.equal("HOST_DEAD");
      const again = await call("POST", "/v1/enclaves", { json: { enclave: "OpenShell", memoryPages: 128 } });
      expect(again.status, again.text).to.equal(201);
      hostPids.add(again.body.pid);
      expect(again.body.recovered).to.match(/stale/);
    });

    it("DELETE /v1/enclaves/{name}: 204, then 404", async () => {
      const r = await call("DELETE", "/v1/enclaves/OpenShell");
      expect(r.status).to.equal(204);
      expect(r.text).to.equal("");
      expectError(await call("DELETE", "/v1/enclaves/OpenShell"), 404, /not running/);
      expect((await call("GET", "/v1/enclaves")).body).to.deep.equal({ instances: [] });
    });
  });

  describe("shutdown", () => {
    it("SIGTERM: refuses new requests with 503, finishes in-flight ones, exits 0, instances keep running", async () => {
      expect((await call("POST", "/v1/enclaves", { json: { enclave: "OpenShell", memoryPages: 128 } })).status).to.equal(201);
      const own = new ServeProcess(cli, ["--json", "--json-logs"]);
      try {
        const url = await own.url;
        // One connection: the slow exec is in flight at SIGTERM; a second request
        // follows on the same (busy, so still open) connection after the signal.
        const slow = JSON.stringify({ cmd: "sleep 2; echo finished" });
        const conn = rawConnection(url);
        conn.write(
          `POST /v1/enclaves/OpenShell/exec HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${tokens.all}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(slow)}\r\n\r\n${slow}`,
        );
        await new Promise((r) => setTimeout(r, 700));
        own.child.kill("SIGTERM");
        await new Promise((r) => setTimeout(r, 300));
        conn.write("GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n");
        const text = await conn.closed;
        expect(text, text).to.match(/^HTTP\/1\.1 200 /);
        expect(text).to.include('"stdout":"finished\\n"');
        expect(text).to.match(/HTTP\/1\.1 503 [\s\S]*"error":"SHUTTING_DOWN"/);
        expect(await own.exited).to.equal(0);
        const result = JSON.parse(own.stdout);
        expectSchema("output/serve.json", result);
        expect(result).to.include({ signal: "SIGTERM", forced: false });
        // --json-logs: every stderr line is a JSON object
        const lines = own.stderr
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(lines.some((l) => l.msg === "request" && l.url === "/v1/enclaves/OpenShell/exec" && l.status === 200 && l.subject === "ci")).to.equal(true);
        const list = JSON.parse(cli.run(["sys-diagnostics", "sandbox-list", "--json"]).stdout);
        expect(list.instances[0]).to.include({ name: "OpenShell", status: "running" });
      } finally {
        own.kill();
      }
    });
  });
});

function rawRequest(base: string, method: string, path: string, body: string | Buffer, token: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    let responded = false;
    const req = httpRequest(
      { host: u.hostname, port: u.port, method, path, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } },
      (res) => {
        responded = true;
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on("error", (e) => {
      if (!responded) reject(e);
    });
    req.end(body);
  });
}

/** A raw keep-alive connection; `closed` resolves with everything the server sent. */
function rawConnection(base: string): { write(s: string): void; closed: Promise<string> } {
  const u = new URL(base);
  const socket = connect(Number(u.port), u.hostname);
  let text = "";
  socket.on("data", (d) => (text += d));
  const closed = new Promise<string>((resolve, reject) => {
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
  });
  return { write: (s) => socket.write(s), closed };
}
