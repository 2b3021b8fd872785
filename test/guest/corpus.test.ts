// The OpenShell corpus: every case runs in the enclave (the instrumented OpenShell
// module under its own policy, fresh sandbox per case) and with the host's /bin/sh
// (dash) plus GNU coreutils in an empty temporary directory; stdout and exit status
// must match. Only the temporary directory's path is normalised (to /workspace).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "chai";
import { definitionCommands, loadDefinition } from "../../src/engine/enclave/definitions.js";
import { ROOT } from "../helpers/cli.js";
import { GuardedSandbox, guestFile, openShellGuard } from "../helpers/guarded-sandbox.js";

interface Case {
  name: string;
  cmd: string;
  stdin?: string;
  files?: Record<string, string>;
}

const corpusDir = join(ROOT, "test", "guest", "corpus");
const files = readdirSync(corpusDir).filter((f) => f.endsWith(".json")).sort();

function onHost(c: Case) {
  const dir = mkdtempSync(join(tmpdir(), "corpus-"));
  try {
    for (const [p, t] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), t);
    }
    const r = spawnSync("/bin/sh", ["-c", c.cmd], { cwd: dir, input: c.stdin ?? "", env: { PATH: "/usr/bin:/bin", HOME: dir, USER: "sandbox", LC_ALL: "C" }, timeout: 10000, encoding: "utf8" });
    return { stdout: r.stdout.split(dir).join("/workspace"), status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("OpenShell corpus: enclave vs dash + GNU coreutils", function () {
  let base: GuardedSandbox;
  before(async () => {
    const def = loadDefinition("OpenShell");
    base = await GuardedSandbox.fromFile(guestFile("openshell.wasm"), openShellGuard(), 1024, definitionCommands(def));
  });

  it("has at least 150 cases", () => {
    const total = files.reduce((n, f) => n + JSON.parse(readFileSync(join(corpusDir, f), "utf8")).length, 0);
    expect(total).to.be.at.least(150);
  });

  for (const file of files) {
    describe(file, () => {
      for (const c of JSON.parse(readFileSync(join(corpusDir, file), "utf8")) as Case[]) {
        it(`${c.name}: ${c.cmd.length > 60 ? c.cmd.slice(0, 57) + "..." : c.cmd}`, async () => {
          const want = onHost(c);
          const sb = await base.fresh();
          for (const [p, t] of Object.entries(c.files ?? {})) {
            const host = sb.hostPath(`/workspace/${p}`);
            await sb.sandbox.fs.mkdir(dirname(host), { recursive: true }).catch(() => {});
            await sb.sandbox.fs.writeFile(host, t);
          }
          const got = await sb.run(["-c", c.cmd], 10000, c.stdin);
          expect({ stdout: got.stdout, status: got.exitCode }, got.stderr).to.deep.equal({ stdout: want.stdout, status: want.status });
        });
      }
    });
  }
});
