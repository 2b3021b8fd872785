// The kept audit log (state/audit-archive.ts) and the -w checks (client/workdir.ts),
// without booting an enclave.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { appendAudit, auditPath, toAuditRecords } from "../../src/engine/state/audit-log.js";
import { ARCHIVE_MAX_BYTES, ARCHIVE_MAX_NAMES, archiveAudit, auditArchiveDir, readArchivedAudit } from "../../src/engine/state/audit-archive.js";
import type { InstanceRecord } from "../../src/engine/state/instance-record.js";
import { backingPath, checkWorkdirGranted, imageDirectories, normaliseWorkdir } from "../../src/engine/policy/workdir.js";
import { EngineError } from "../../src/engine/errors.js";
import { expectSchema } from "../helpers/cli.js";

const record = (name: string): InstanceRecord => ({
  version: 1,
  name,
  definition: "OpenShell",
  memoryPages: 64,
  timeoutMs: 1000,
  outputBytes: 1,
  pid: 1,
  startedAt: "2026-12-01T00:00:00.000Z",
  execCount: 0,
  socket: "/nonexistent",
  token: "t",
  engineVersion: "0",
  policyDigest: "sha256:x",
});
const violation = (path: string) => ({ operation: "open", path, rule: "filesystem_policy: not granted", decision: "denied" as const });

describe("the kept audit log", () => {
  const saved = process.env.COREASON_STATE_DIR;
  const state = mkdtempSync(join(tmpdir(), "coreason-archive-"));
  const dir = (name: string) => {
    const d = join(state, "instances", name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  before(() => (process.env.COREASON_STATE_DIR = state));
  after(() => {
    if (saved === undefined) delete process.env.COREASON_STATE_DIR;
    else process.env.COREASON_STATE_DIR = saved;
    rmSync(state, { recursive: true, force: true });
  });

  it("keeps the run's records with a description of the run (schema-valid); a torn last line is skipped", () => {
    const d = dir("a");
    appendAudit(d, toAuditRecords([violation("/etc/passwd"), violation("/root")], "a", 1));
    appendFileSync(auditPath(d), '{"time": "2026-12-01T00:00:01Z", "operation": "op'); // the host was killed mid-append
    const run = archiveAudit("a", d, record("a"), "stopped")!;
    expectSchema("audit-run.schema.json", run);
    expect(run).to.include({ name: "a", definition: "OpenShell", startedAt: "2026-12-01T00:00:00.000Z", ended: "stopped", records: 2, droppedRecords: 0 });
    const kept = readArchivedAudit("a")!;
    expect(kept.run).to.deep.equal(run);
    expect(kept.records.map((r) => r.path)).to.deep.equal(["/etc/passwd", "/root"]);
  });

  it("a run without a log keeps an empty one when its record exists; nothing without either", () => {
    expect(archiveAudit("b", dir("b"), record("b"), "stopped")).to.include({ records: 0 });
    expect(readArchivedAudit("b")!.records).to.deep.equal([]);
    expect(archiveAudit("c", dir("c"), undefined, "host-died")).to.equal(undefined);
    expect(readArchivedAudit("c")).to.equal(undefined);
  });

  it("a later run replaces the name's kept log", () => {
    const d = dir("a");
    writeFileSync(auditPath(d), "");
    appendAudit(d, toAuditRecords([violation("/new")], "a", 1));
    archiveAudit("a", d, record("a"), "host-died");
    const kept = readArchivedAudit("a")!;
    expect(kept.run).to.include({ ended: "host-died", records: 1 });
    expect(kept.records.map((r) => r.path)).to.deep.equal(["/new"]);
  });

  it(`keeps at most ${ARCHIVE_MAX_BYTES} bytes, dropping (and counting) the oldest records`, () => {
    const d = dir("big");
    const long = "/x".repeat(2000);
    const lines = toAuditRecords([violation(long)], "big", 1).map((r) => JSON.stringify(r) + "\n")[0];
    const n = Math.ceil(ARCHIVE_MAX_BYTES / lines.length) + 10;
    writeFileSync(auditPath(d), lines.repeat(n));
    const run = archiveAudit("big", d, record("big"), "stopped")!;
    expect(run.records + run.droppedRecords).to.equal(n);
    expect(run.droppedRecords).to.be.at.least(10);
    expect(readFileSync(join(auditArchiveDir(), "big.jsonl")).length).to.be.at.most(ARCHIVE_MAX_BYTES + 1024);
  });

  it(`keeps at most ${ARCHIVE_MAX_NAMES} names, the least recently kept going first`, () => {
    const names = Array.from({ length: ARCHIVE_MAX_NAMES + 3 }, (_, i) => `n${i}`);
    names.forEach((name, i) => {
      archiveAudit(name, dir(name), record(name), "stopped");
      const t = new Date(Date.now() - (names.length - i) * 60000); // n0 oldest
      utimesSync(join(auditArchiveDir(), `${name}.jsonl`), t, t);
    });
    archiveAudit("latest", dir("latest"), record("latest"), "stopped");
    expect(readArchivedAudit("latest")).not.to.equal(undefined);
    expect(readArchivedAudit(`n${names.length - 1}`)).not.to.equal(undefined);
    expect(readArchivedAudit("n0")).to.equal(undefined);
  });

  it("a corrupt description is not trusted: the records still read, the run is derived", () => {
    mkdirSync(auditArchiveDir(), { recursive: true });
    const rec = JSON.stringify(toAuditRecords([violation("/etc/shadow")], "forged", 1)[0]);
    writeFileSync(join(auditArchiveDir(), "forged.jsonl"), `{"run": {"version": 1, "name": "forged", "records": "lots"}}\n${rec}\n`);
    const kept = readArchivedAudit("forged")!;
    expectSchema("audit-run.schema.json", kept.run);
    expect(kept.run).to.include({ name: "forged", records: 1, definition: "?" });
  });

  it("instance names are checked before they become file names", () => {
    expect(() => readArchivedAudit("../etc")).to.throw(EngineError, /invalid enclave name/);
  });
});

describe("-w DIR checks", () => {
  it("normalises an absolute path; a relative one, '..', NUL or over 255 bytes is a usage error", () => {
    expect(normaliseWorkdir("/workspace/./src//")).to.equal("/workspace/src");
    expect(normaliseWorkdir("/")).to.equal("/");
    for (const bad of ["src", "", "./src", "/workspace/../etc", "/workspace/\0", "/" + "a".repeat(255)]) {
      expect(() => normaliseWorkdir(bad), JSON.stringify(bad))
        .to.throw(EngineError)
        .with.property("code", "USAGE");
    }
  });

  it("is granted only at or below a granted directory (never by prefix)", () => {
    const guard = { readOnly: ["/usr", "/etc/os-release"], readWrite: ["/workspace", "/tmp"] };
    for (const ok of ["/workspace", "/workspace/a/b", "/tmp", "/usr/lib", "/etc/os-release"]) expect(() => checkWorkdirGranted(ok, guard)).not.to.throw();
    for (const bad of ["/", "/etc", "/workspacex", "/tmpx/a", "/root"]) {
      expect(() => checkWorkdirGranted(bad, guard), bad)
        .to.throw(EngineError, /Permission denied/)
        .with.property("code", "WORKDIR_DENIED");
    }
    // positive control: a policy granting / grants everything below it
    expect(() => checkWorkdirGranted("/etc", { readOnly: ["/"], readWrite: [] })).not.to.throw();
  });

  it("maps mount paths to their backing directory; the image's directories come from its files", () => {
    const mounts = [
      { guest: "/workspace", backing: "/workspace/home" },
      { guest: "/tmp", backing: "/workspace/tmp" },
    ];
    expect(backingPath("/workspace/src", mounts)).to.equal("/workspace/home/src");
    expect(backingPath("/tmp", mounts)).to.equal("/workspace/tmp");
    expect(backingPath("/workspacex", mounts)).to.equal(undefined);
    const dirs = imageDirectories(["/etc/os-release", "/usr/share/doc/x"]);
    expect([...dirs].sort()).to.include.members(["/", "/etc", "/usr", "/usr/share", "/usr/share/doc"]);
    expect(dirs.has("/etc/os-release")).to.equal(false);
  });
});
