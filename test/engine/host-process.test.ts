// Host identity without booting an enclave: a stand-in process whose command line is
// that of a host (node .../supervisor-main.js <instances>/<name>) and decoys that are not.
import { ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { findHostProcesses, hostDirArg, hostProcessOf, stopHostProcess } from "../../src/engine/client/host-process.js";
import { withInstanceLock } from "../../src/engine/client/instance-lock.js";
import { procIdentity } from "../../src/engine/state/process-tree.js";

const SLEEPER = "setInterval(() => {}, 1000)";

describe("host identity (/proc)", () => {
  const saved = process.env.COREASON_STATE_DIR;
  const state = mkdtempSync(join(tmpdir(), "coreason-hostid-"));
  const bin = mkdtempSync(join(tmpdir(), "coreason-fakehost-"));
  const children: ChildProcess[] = [];
  const fake = join(bin, "supervisor-main.js");
  writeFileSync(fake, SLEEPER);

  const run = (args: string[]) => {
    const c = spawn(process.execPath, args, { stdio: "ignore" });
    children.push(c);
    return c;
  };
  /** Waits until the child has exec'd node with its arguments. */
  async function ready(c: ChildProcess): Promise<number> {
    for (let i = 0; i < 100; i++) {
      if ((procIdentity(c.pid!)?.argv.length ?? 0) > 1) return c.pid!;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("child did not start");
  }

  before(() => {
    process.env.COREASON_STATE_DIR = state;
    mkdirSync(join(state, "instances"), { recursive: true });
  });
  after(() => {
    for (const c of children) c.kill("SIGKILL");
    if (saved === undefined) delete process.env.COREASON_STATE_DIR;
    else process.env.COREASON_STATE_DIR = saved;
    rmSync(state, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  });

  it("a host of this state directory is found by its command line and recognised by pid and start time", async () => {
    const pid = await ready(run([fake, hostDirArg("Alpha")]));
    const found = findHostProcesses();
    expect(found.map((h) => [h.pid, h.name])).to.deep.equal([[pid, "Alpha"]]);
    expect(hostProcessOf(pid, "Alpha"), "positive control: the real host is recognised").to.include({ pid, name: "Alpha" });
    expect(hostProcessOf(pid, "Alpha", found[0].startTicks)).to.include({ pid });
    expect(found[0].startedAt).to.match(/^\d{4}-\d\d-\d\dT/);
  });

  it("is not fooled by an unrelated process, another instance's host, a host of another state directory, or a reused pid", async () => {
    const decoy = await ready(run(["-e", SLEEPER]));
    const otherName = await ready(run([fake, hostDirArg("Beta")]));
    const otherState = await ready(run([fake, join(tmpdir(), "elsewhere", "instances", "Alpha")]));
    const trailing = await ready(run([fake, hostDirArg("Alpha"), "extra"]));
    for (const pid of [decoy, otherName, otherState, trailing]) expect(hostProcessOf(pid, "Alpha"), `pid ${pid}`).to.equal(undefined);
    const alpha = findHostProcesses("Alpha");
    expect(alpha).to.have.length(1);
    // the same pid with another start time is another process (pid reuse)
    expect(hostProcessOf(alpha[0].pid, "Alpha", alpha[0].startTicks + 1)).to.equal(undefined);
    expect(
      findHostProcesses()
        .map((h) => h.name)
        .sort(),
    ).to.deep.equal(["Alpha", "Beta"]);
    expect(hostProcessOf(999999999, "Alpha")).to.equal(undefined);
  });

  it("stopHostProcess stops the host and nothing else", async () => {
    const decoy = await ready(run(["-e", SLEEPER]));
    const [alpha] = findHostProcesses("Alpha");
    expect(await stopHostProcess(alpha, 1000)).to.equal(true);
    expect(hostProcessOf(alpha.pid, "Alpha")).to.equal(undefined);
    expect(procIdentity(decoy), "the decoy lives").to.not.equal(undefined);
    // a stale identity (the pid's start time differs) is never signalled
    const beta = findHostProcesses("Beta")[0];
    expect(await stopHostProcess({ ...beta, startTicks: beta.startTicks + 1 }, 100)).to.equal(true);
    expect(procIdentity(beta.pid), "Beta was not signalled through a stale identity").to.not.equal(undefined);
  });

  it("an instance lock is taken over when its pid now belongs to a process started at another time", async () => {
    mkdirSync(join(state, "locks"), { recursive: true });
    const lock = join(state, "locks", "Gamma.lock");
    const ticks = procIdentity(process.pid)!.startTicks;
    // positive control: a live owner (this very process, same start time) is waited for
    writeFileSync(lock, `${process.pid} ${ticks}`);
    let ran = false;
    const busy = await withInstanceLock("Gamma", 200, async () => void (ran = true)).catch((e) => e);
    expect(busy).to.include({ code: "ENCLAVE_BUSY" });
    expect(ran).to.equal(false);
    // the same pid with another start time: its owner is gone, so the lock is stale
    writeFileSync(lock, `${process.pid} ${ticks + 1}`);
    await withInstanceLock("Gamma", 200, async () => void (ran = true));
    expect(ran).to.equal(true);
  });
});
