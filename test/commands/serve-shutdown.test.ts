// serve under shutdown and odd bodies: a SIGTERM with an exec still running after the
// drain answers that request (503 JSON, or an error event on a stream), never resets
// it, and the daemon exits on time; a body with a `__proto__` key says so.
import { request as httpRequest } from "node:http";
import { expect } from "chai";
import { DRAIN_MS } from "../../src/serve/daemon.js";
import { CliSandbox, expectSchema } from "../helpers/cli.js";
import { ServeProcess } from "../helpers/serve-process.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

/** A request whose answer, or whose transport error (a reset), is what the test sees. */
function send(base: string, path: string, token: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, method: "POST", path, headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text, at: Date.now() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("serve: shutdown with an exec in flight, and odd bodies", function () {
  const cli = new CliSandbox();
  let token = "";
  let daemon: ServeProcess;
  let base = "";

  before(async () => {
    expect(cli.run(["authority", "init"]).status).to.equal(0);
    const t = cli.run(["authority", "issue", "--subject", "ci", "--scope", "enclave:exec", "--scope", "enclave:read"]);
    token = t.stdout.trim();
    cli.start("OpenShell", ["--memory-pages", "128"]);
    daemon = new ServeProcess(cli, ["--json"]);
    base = await daemon.url;
  });
  after(() => {
    daemon?.kill();
    cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
    cli.cleanup();
  });

  const exec = (body: string) => send(base, "/v1/enclaves/OpenShell/exec", token, body);

  it("a body with a __proto__ key is refused naming the key, at any depth", async () => {
    for (const [body, where] of [
      ['{"cmd":"true","__proto__":{"x":1}}', "body"],
      ['{"cmd":"true","env":{"__proto__":{"A":"1"}}}', "body/env"],
      ['{"cmd":"true","env":{"constructor":{"prototype":{"A":"1"}}}}', "body/env/constructor"],
    ]) {
      const r = await exec(body);
      expect(r.status, r.body).to.equal(400);
      const doc = JSON.parse(r.body);
      expectSchema("api/error.json", doc);
      expect(doc.message).to.include(`${where}: key "${where.endsWith("constructor") ? "prototype" : "__proto__"}" is not allowed`);
    }
    // positive controls: ordinary keys pass, broken JSON still says so, an empty body too
    const ok = await exec('{"cmd":"echo $P","env":{"P":"proto","proto":"x"}}');
    expect(ok.status, ok.body).to.equal(200);
    expect(JSON.parse(ok.body).stdout).to.equal("proto\n");
    expect(JSON.parse((await exec('{"cmd": ')).body).message).to.match(/not valid JSON/);
    expect((await exec("")).status).to.equal(400);
  });

  it("SIGTERM with execs still running at the drain limit: each is answered (503 JSON or a stream's error event), and the daemon exits on time", async () => {
    // the streamed exec runs (and has begun its output); the plain one waits behind it
    const streamed = send(base, "/v1/enclaves/OpenShell/exec", token, JSON.stringify({ cmd: "echo begun; sleep 40", timeoutMs: 60000 }), {
      accept: "application/x-ndjson",
    });
    await new Promise((r) => setTimeout(r, 1000));
    const plain = exec(JSON.stringify({ cmd: "echo queued", timeoutMs: 60000 }));
    await new Promise((r) => setTimeout(r, 500));
    const signalled = Date.now();
    daemon.child.kill("SIGTERM");
    const [p, s] = await Promise.all([plain, streamed]); // a reset would reject here
    const code = await daemon.exited;
    const exitMs = Date.now() - signalled;
    expect(p.status, p.body).to.equal(503);
    const doc = JSON.parse(p.body);
    expectSchema("api/error.json", doc);
    expect(doc.error).to.equal("SHUTTING_DOWN");
    expect(doc.message).to.match(/drain limit/);
    expect(p.at - signalled).to.be.within(DRAIN_MS - 500, DRAIN_MS + 1500);
    // the stream had started (200): it ends with an error event, never without an end
    expect(s.status).to.equal(200);
    const events = s.body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events[0]).to.deep.equal({ type: "stdout", data: "begun\n" });
    expect(events.at(-1)).to.include({ type: "error", error: "SHUTTING_DOWN" });
    expect(code).to.equal(0);
    expect(exitMs, "exits right after the drain limit").to.be.below(DRAIN_MS + 2000);
    const result = JSON.parse(daemon.stdout);
    expectSchema("output/serve.json", result);
    expect(result).to.include({ signal: "SIGTERM", forced: true });
    // the instance serves on: the cut-off guests were stopped, the next exec does not queue behind them
    const next = cli.exec("echo after", [], {});
    expect(next.status, next.stderr).to.equal(0);
    expect(next.stdout).to.equal("after\n");
    expect(next.ms).to.be.below(15000);
  });
});
