// A stop stops exactly the host it started, and no host is ever orphaned: the pid in
// instance.json is verified before any signal, and a live host whose state is corrupt,
// gone, or whose socket is gone is still listed, stopped, and blocks a second start.
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema } from "../../helpers/cli.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

async function gone(pid: number, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe("sandbox-stop / sandbox-list / sandbox-start: host identity and orphans", () => {
  const cli = new CliSandbox();
  const decoys: ChildProcess[] = [];
  const dir = join(cli.stateDir, "instances", "OpenShell");
  const recordFile = join(dir, "instance.json");
  const list = () => {
    const r = cli.run(["sys-diagnostics", "sandbox-list", "--json"]);
    const doc = JSON.parse(r.stdout);
    expectSchema("output/sys-diagnostics-sandbox-list.json", doc);
    return { status: r.status, instances: doc.instances as { name: string; pid: number; status: string; message?: string }[] };
  };
  const stop = () => cli.run(["sys-diagnostics", "sandbox-stop", "--enclave", "OpenShell"]);
  const start = () => cli.run(["sys-diagnostics", "sandbox-start", "--enclave", "OpenShell", "--json"]);

  after(() => {
    for (const d of decoys) d.kill("SIGKILL");
    cli.cleanup();
  });

  it("a record naming an unrelated pid: the stop stops the real host and never signals that process", async () => {
    const { pid } = cli.start();
    const decoy = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    decoys.push(decoy);
    writeFileSync(recordFile, JSON.stringify({ ...JSON.parse(readFileSync(recordFile, "utf8")), pid: decoy.pid }));
    const r = stop();
    expect(r.status, r.stderr).to.equal(0);
    expect(await gone(pid), "the real host stopped").to.equal(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(decoy.pid!), "the unrelated process was not signalled").to.equal(true);
    expect(existsSync(dir)).to.equal(false);
  });

  it("a live host whose instance.json is corrupt: listed with its pid, blocks a start, and sandbox-stop stops it", async () => {
    const { pid } = cli.start();
    writeFileSync(recordFile, "{ not json");
    const l = list();
    expect(l.status).to.equal(125);
    expect(l.instances).to.have.length(1);
    expect(l.instances[0]).to.include({ name: "OpenShell", pid, status: "unreachable" });
    expect(l.instances[0].message).to.match(/corrupt \(not valid JSON\).*sandbox-stop --enclave OpenShell stops it/);
    const again = start();
    expect(again.status).to.equal(125);
    expect(JSON.parse(again.stdout).error).to.include({ code: "ENCLAVE_RUNNING" });
    expect(alive(pid), "the refused start left the old host alone").to.equal(true);
    const s = stop();
    expect(s.status, s.stderr).to.equal(0);
    expect(s.stdout).to.match(new RegExp(`stopped OpenShell: .*corrupt.*pid ${pid}`));
    expect(await gone(pid)).to.equal(true);
    expect(list()).to.deep.equal({ status: 0, instances: [] });
  });

  it("a live host whose socket is gone: listed, exec says it cannot be reached, a start is refused, sandbox-stop stops it", async () => {
    const { pid } = cli.start();
    rmSync(JSON.parse(readFileSync(recordFile, "utf8")).socket);
    expect(list().instances[0]).to.include({ pid, status: "unreachable" });
    expectCleanError(cli.exec("true"), 125, /enclave OpenShell cannot be reached: its host process \(pid \d+\) is running but does not answer/);
    expect(start().status).to.equal(125);
    expect(alive(pid)).to.equal(true);
    const s = stop();
    expect(s.status, s.stderr).to.equal(0);
    expect(await gone(pid)).to.equal(true);
  });

  it("a live host whose state directory was removed is still listed and stopped; then a start works", async () => {
    const { pid } = cli.start();
    rmSync(dir, { recursive: true, force: true });
    const l = list();
    expect(l.instances).to.have.length(1);
    expect(l.instances[0]).to.include({ name: "OpenShell", pid, status: "unreachable" });
    expect(l.instances[0].message).to.match(/no state file/);
    expect(start().status).to.equal(125);
    expect(stop().status).to.equal(0);
    expect(await gone(pid)).to.equal(true);
    // positive control: with the old host gone, a start boots and serves
    const fresh = start();
    expect(fresh.status, fresh.stderr).to.equal(0);
    expect(cli.exec("echo fresh").stdout).to.equal("fresh\n");
    expect(stop().status).to.equal(0);
  });

  it("a host stopping removes its own socket file, never one another host bound at the same path since", async () => {
    const servers: Server[] = [];
    try {
      // positive control: a host's own socket goes with it
      const own = cli.start();
      const ownSocket = JSON.parse(readFileSync(recordFile, "utf8")).socket;
      process.kill(own.pid, "SIGTERM");
      expect(await gone(own.pid)).to.equal(true);
      expect(existsSync(ownSocket), "the host removed its own socket").to.equal(false);
      rmSync(dir, { recursive: true, force: true });

      const { pid } = cli.start();
      const socket = JSON.parse(readFileSync(recordFile, "utf8")).socket;
      rmSync(socket);
      const successor = createServer();
      servers.push(successor);
      await new Promise<void>((r) => successor.listen(socket, () => r()));
      process.kill(pid, "SIGTERM");
      expect(await gone(pid)).to.equal(true);
      expect(existsSync(socket), "the successor's socket survived the old host's shutdown").to.equal(true);
    } finally {
      for (const s of servers) s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
