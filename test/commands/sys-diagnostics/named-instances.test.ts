// Named instances (sandbox-start --name) and the audit log that outlives its instance,
// end to end through bin/run.js.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CliSandbox, expectCleanError, expectSchema } from "../../helpers/cli.js";

const sd = (...args: string[]) => ["sys-diagnostics", ...args];

describe("named instances and the kept audit log", function () {
  const cli = new CliSandbox();
  after(() => {
    for (const name of ["OpenShell", "small", "big"]) cli.run(sd("sandbox-stop", "--enclave", name));
    cli.cleanup();
  });
  const execIn = (name: string, cmd: string, extra: string[] = []) => cli.run(sd("sandbox-exec", "--enclave", name, "--cmd", cmd, ...extra));
  /** A command that must succeed, its --json document checked against its schema. */
  const okJson = (verb: "audit" | "stop", name: string) => {
    const r = cli.run(sd(`sandbox-${verb}`, "--enclave", name, "--json"));
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expectSchema(`output/sys-diagnostics-sandbox-${verb}.json`, doc);
    return doc;
  };
  const auditJson = (name: string) => okJson("audit", name);
  const stopJson = (name: string) => okJson("stop", name);

  describe("two instances of one definition side by side", () => {
    before(() => {
      cli.start("OpenShell", ["--name", "small", "--memory-pages", "64"]);
      cli.start("OpenShell", ["--name", "big", "--memory-pages", "512"]);
    });

    it("start --json names the instance and its definition; each has its own limits", () => {
      for (const [name, pages] of [
        ["small", 64],
        ["big", 512],
      ] as const) {
        const r = cli.run(sd("sandbox-inspect", "--enclave", name, "--json"));
        expect(r.status, r.stderr).to.equal(0);
        expect(JSON.parse(r.stdout)).to.deep.include({ enclave: name, definition: "OpenShell" });
        expect(JSON.parse(r.stdout).limits.memoryPages).to.equal(pages);
      }
      // the cap is enforced per instance: 8 MB fits under 512 pages (32 MiB), not under 64 (4 MiB)
      const grow = "head -c 8000000 /dev/zero | sort > /dev/null && echo fits";
      expect(execIn("big", grow).stdout).to.equal("fits\n");
      expect(execIn("small", grow).stdout).not.to.include("fits");
    });

    it("a file written in one is invisible in the other (positive control: visible in its own)", () => {
      expect(execIn("small", "echo only-small > /workspace/f; echo t > /tmp/t").status).to.equal(0);
      expect(execIn("small", "cat /workspace/f /tmp/t").stdout).to.equal("only-small\nt\n");
      const other = execIn("big", "cat /workspace/f; cat /tmp/t; ls /workspace");
      expect(other.stdout).to.equal("");
      expect(other.stderr).to.match(/No such file/);
    });

    it("each has its own audit log", () => {
      expect(execIn("small", "cat /etc/shadow").status).to.equal(77);
      expect(execIn("big", "cat /etc/passwd; cat /root/x").status).to.equal(77);
      expect(auditJson("small").records.map((r: { path: string }) => r.path)).to.deep.equal(["/etc/shadow"]);
      const big = auditJson("big");
      expect(big).to.include({ enclave: "big", state: "running" });
      expect(big.records.map((r: { path: string; enclave: string }) => `${r.enclave}:${r.path}`)).to.deep.equal(["big:/etc/passwd", "big:/root/x"]);
    });

    it("sandbox-list shows name and definition, human and --json", () => {
      const json = cli.run(sd("sandbox-list", "--json"));
      expect(json.status, json.stderr).to.equal(0);
      const doc = JSON.parse(json.stdout);
      expectSchema("output/sys-diagnostics-sandbox-list.json", doc);
      expect(doc.instances.map((i: { name: string; definition: string; memoryPages: number }) => [i.name, i.definition, i.memoryPages])).to.deep.equal([
        ["big", "OpenShell", 512],
        ["small", "OpenShell", 64],
      ]);
      const human = cli.run(sd("sandbox-list")).stdout.split("\n");
      expect(human[0]).to.match(/^NAME\s+DEFINITION\s+PAGES/);
      expect(human.find((l) => l.startsWith("small"))).to.match(/^small\s+OpenShell\s+64\s/);
    });

    it("starting a name that is running is refused (125); the definition's own name is free", () => {
      const again = cli.run(sd("sandbox-start", "--enclave", "OpenShell", "--name", "small", "--json"));
      expect(again.status).to.equal(125);
      expect(JSON.parse(again.stdout).error).to.include({ code: "ENCLAVE_RUNNING" });
      expect(execIn("OpenShell", "true").status, "no instance named OpenShell yet").to.equal(125);
    });

    it("an instance name that is a path is a usage error (2), nothing started", () => {
      for (const bad of ["../etc", "a/b", ".hidden", ""]) {
        expectCleanError(cli.run(sd("sandbox-start", "--enclave", "OpenShell", "--name", bad)), 2, /invalid instance name|--name/);
      }
      expect(JSON.parse(cli.run(sd("sandbox-list", "--json")).stdout).instances).to.have.length(2);
    });

    it("stopping one leaves the other running, with its files", () => {
      expect(stopJson("small")).to.include({ name: "small", stopped: true, auditRecords: 1 });
      expect(execIn("big", "echo still > /workspace/g; cat /workspace/g").stdout).to.equal("still\n");
      expect(JSON.parse(cli.run(sd("sandbox-list", "--json")).stdout).instances.map((i: { name: string }) => i.name)).to.deep.equal(["big"]);
    });
  });

  describe("the audit log outlives the instance", () => {
    it("after a stop, sandbox-audit reads the last run's log and says the instance is stopped", () => {
      const doc = auditJson("small");
      expect(doc.state).to.equal("stopped");
      expect(doc.run).to.include({ name: "small", definition: "OpenShell", ended: "stopped", records: 1, droppedRecords: 0 });
      expect(doc.records.map((r: { path: string }) => r.path)).to.deep.equal(["/etc/shadow"]);
      const human = cli.run(sd("sandbox-audit", "--enclave", "small"));
      expect(human.status).to.equal(0);
      expect(human.stdout).to.match(/OCSF FILE:OPEN \[MED\] BLOCKED open \/etc\/shadow .* enclave=small exec=\d+/);
      expect(human.stderr).to.match(/note: small is stopped: the log of its last run \(definition OpenShell, started .*, stopped .*, 1 records\)/);
    });

    it("a later start of the name begins a new log; its stop replaces the kept one", () => {
      cli.start("OpenShell", ["--name", "small"]);
      expect(auditJson("small")).to.deep.include({ state: "running", records: [] });
      expect(execIn("small", "cat /etc/hostname; ls /root").status).to.equal(77);
      expect(stopJson("small").auditRecords).to.equal(1);
      const kept = auditJson("small");
      expect(kept.state).to.equal("stopped");
      expect(kept.records.map((r: { path: string }) => r.path)).to.deep.equal(["/root"]);
    });

    it("a host killed with SIGKILL leaves its audit readable, before and after its state is cleared", async () => {
      const { pid } = cli.start("OpenShell", ["--name", "small"]);
      expect(execIn("small", "cat /etc/shadow").status).to.equal(77);
      process.kill(pid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 300));
      const dead = auditJson("small");
      expect(dead.state).to.equal("dead");
      expect(dead.records.map((r: { path: string }) => r.path)).to.deep.equal(["/etc/shadow"]);
      // a new start clears the dead run's state and keeps its log
      const again = cli.run(sd("sandbox-start", "--enclave", "OpenShell", "--name", "small", "--json"));
      expect(again.status, again.stderr).to.equal(0);
      expect(JSON.parse(again.stdout).recovered).to.match(/audit log kept/);
      const archive = readFileSync(join(cli.stateDir, "audit", "small.jsonl"), "utf8")
        .trim()
        .split("\n");
      expect(JSON.parse(archive[0]).run).to.include({ name: "small", ended: "host-died", records: 1 });
      expect(JSON.parse(archive[1])).to.include({ path: "/etc/shadow", enclave: "small" });
      expect(auditJson("small")).to.deep.include({ state: "running", records: [] });
      // killed again: sandbox-stop clears it (125, as for every dead host) and keeps the log
      process.kill(JSON.parse(again.stdout).pid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 300));
      const stop = cli.run(sd("sandbox-stop", "--enclave", "small"));
      expectCleanError(stop, 125, /had died.*its audit log was kept/);
      expect(auditJson("small")).to.deep.include({ state: "stopped", records: [] });
      expect(auditJson("small").run.ended).to.equal("host-died");
    });

    it("a name that never ran has no log: 125, saying so", () => {
      const r = cli.run(sd("sandbox-audit", "--enclave", "never", "--json"));
      expect(r.status).to.equal(125);
      expect(JSON.parse(r.stdout).error).to.include({ code: "ENCLAVE_NOT_RUNNING" });
      expect(JSON.parse(r.stdout).error.message).to.match(/no audit log of it was kept/);
    });
  });
});
