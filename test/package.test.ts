// The published package: what `npm pack` ships must run the CLI without a build (the
// consumer has neither the sources nor the dev tools), it runs no install script, and
// a consumer's install is lean (no compiler) and quiet (no EBADENGINE on Node 20).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ROOT } from "./helpers/cli.js";

const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepare"];
/** Dependencies of dependencies that carry install scripts of their own, which npm
 *  (11.19+) lists in an `install-scripts` notice: yarn (bundled by @oclif/plugin-plugins)
 *  and bufferutil (@wasmer/sdk's websocket layer). Any other is a new one to look at. */
const THIRD_PARTY_INSTALL_SCRIPTS = ["yarn", "bufferutil"];
/** The consumer's node_modules, measured 2026-12: 153 MiB (binaryen alone is 94 MiB). */
const MAX_INSTALL_MIB = 170;

/** What a consumer writes: start, exec (allowed and denied), audit, stop, a typed failure. */
const CONSUMER_SCRIPT = `
import { startInstance, execInInstance, readAudit, stopInstance, listInstances, isEngineError } from "coreason-server";
const started = await startInstance({ enclave: "OpenShell", name: "consumer", memoryPages: 128 });
const ok = await execInInstance({ enclave: "consumer", script: "echo hi" });
const denied = await execInInstance({ enclave: "consumer", script: "cat /etc/passwd" });
const audit = readAudit("consumer").length;
await stopInstance("consumer");
const listedAfterStop = (await listInstances()).map((i) => i.name);
let error = null;
try { await execInInstance({ enclave: "consumer", script: "true" }); } catch (e) { error = { code: e.code, isEngineError: isEngineError(e) }; }
process.stdout.write(JSON.stringify({ started, ok, denied, audit, listedAfterStop, error }));
`;

describe("the npm package", () => {
  const pjson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

  it("ships the built CLI, engine, guests, schemas and definitions, and no sources", function () {
    this.timeout(60000);
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const files = new Set((JSON.parse(r.stdout)[0].files as { path: string }[]).map((f) => f.path));
    for (const f of [
      "bin/run.js",
      "oclif.manifest.json",
      "dist/cli/help.js",
      "dist/cli/hooks/command-not-found.js",
      "dist/engine/host/supervisor-main.js",
      "dist/engine/host/worker-main.js",
      "dist/guest/openshell.wasm",
      "dist/guest/openshell.commands.json",
      "dist/guest/probe.wasm",
      "enclaves/OpenShell.yaml",
      "schemas/policy.schema.json",
    ]) {
      expect(files.has(f), f).to.equal(true);
    }
    for (const f of readdirSync(join(ROOT, "dist", "cache", "modules"))) expect(files.has(`dist/cache/modules/${f}`), f).to.equal(true);
    expect(
      [...files].filter((f) => f.startsWith("src/") || f.startsWith("test/") || f.startsWith("examples/")),
      "sources",
    ).to.deep.equal([]);
  });

  it("runs no install script, and the compiler is a build-time dependency only", () => {
    for (const s of INSTALL_SCRIPTS) expect(pjson.scripts?.[s], s).to.equal(undefined);
    expect(pjson.dependencies).not.to.have.property("@yowasp/clang");
    expect(pjson.devDependencies).to.have.property("@yowasp/clang");
  });

  it("a consumer's install of the packed tarball: no warnings, no compiler, under the recorded size; the CLI, the library API and coreason-engine run", function () {
    this.timeout(600000);
    const dir = mkdtempSync(join(tmpdir(), "coreason-consumer-"));
    try {
      const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" });
      expect(pack.status, pack.stderr).to.equal(0);
      const tgz = join(dir, pack.stdout.trim().split("\n").pop()!);
      const proj = join(dir, "project");
      mkdirSync(proj);
      writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
      // a consumer's clean npm: no user config of this machine, no npm_config_* of the npm running the tests
      writeFileSync(join(dir, "empty-npmrc"), "");
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
      const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--userconfig", join(dir, "empty-npmrc"), tgz], {
        cwd: proj,
        encoding: "utf8",
        timeout: 540000,
        env,
      });
      const output = install.stdout + install.stderr;
      expect(install.status, output).to.equal(0);
      expect(output).not.to.match(/EBADENGINE/);
      const warnings = output.split("\n").filter((l) => /^npm warn/i.test(l));
      const notice = warnings
        .filter((l) => /^npm warn install-scripts\s+\S+@\S+ \(/.test(l))
        .map((l) => l.replace(/^npm warn install-scripts\s+/, "").replace(/@[^@\s]+ \(.*$/, ""));
      expect(notice, "packages with install scripts").not.to.include("coreason-server");
      expect(
        notice.filter((n) => !THIRD_PARTY_INSTALL_SCRIPTS.includes(n)),
        "new packages with install scripts",
      ).to.deep.equal([]);
      expect(
        warnings.filter((l) => !/^npm warn install-scripts/.test(l)),
        "warnings",
      ).to.deep.equal([]);
      const nm = join(proj, "node_modules");
      expect(existsSync(join(nm, "@yowasp")), "a compiler in the consumer's install").to.equal(false);
      const mib = Number(spawnSync("du", ["-sm", nm], { encoding: "utf8" }).stdout.split("\t")[0]);
      expect(mib, "node_modules MiB").to.be.at.most(MAX_INSTALL_MIB);
      // the consumer's own state and plugin directories, whatever this machine has linked
      const consumerEnv = {
        ...process.env,
        COREASON_STATE_DIR: join(dir, "state"),
        XDG_DATA_HOME: join(dir, "data"),
        XDG_CONFIG_HOME: join(dir, "config"),
        XDG_CACHE_HOME: join(dir, "cache"),
      };
      const run = spawnSync(join(nm, ".bin", "coreason-server"), ["sys-diagnostics", "sandbox-definitions", "--json"], {
        cwd: proj,
        encoding: "utf8",
        env: consumerEnv,
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout).definitions.map((d: { name: string }) => d.name)).to.deep.equal(["OpenShell"]);
      // the library API, imported by the package's name from the consumer's project
      const drive = join(proj, "drive.mjs");
      writeFileSync(drive, CONSUMER_SCRIPT);
      const api = spawnSync(process.execPath, [drive], { cwd: proj, encoding: "utf8", timeout: 120000, env: consumerEnv });
      expect(api.status, api.stderr).to.equal(0);
      const doc = JSON.parse(api.stdout);
      expect(doc.started).to.include({ enclave: "consumer", definition: "OpenShell" });
      expect(doc.ok).to.include({ exitCode: 0, stdout: "hi\n" });
      expect(doc.denied.exitCode).to.equal(77);
      expect(doc.denied.violations).to.deep.equal([{ decision: "denied", operation: "open", path: "/etc/passwd", rule: "filesystem_policy: not granted" }]);
      expect(doc.audit).to.equal(1);
      expect(doc.listedAfterStop).to.deep.equal([]);
      expect(doc.error).to.deep.equal({ code: "ENCLAVE_NOT_RUNNING", isEngineError: true });
      // and the one-shot runner's binary
      const engine = spawnSync(join(nm, ".bin", "coreason-engine"), ["sh", "-c", "cat /etc/passwd"], { cwd: proj, encoding: "utf8", env: consumerEnv });
      expect([engine.status, engine.stdout]).to.deep.equal([77, "DENIED open /etc/passwd: Permission denied (filesystem_policy: not granted)\n"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
