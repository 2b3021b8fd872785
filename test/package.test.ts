// The published package: what `npm pack` ships must run the CLI without a build (the
// consumer has neither the sources nor the dev tools), and its postinstall must then
// do nothing.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ROOT } from "./helpers/cli.js";

describe("the npm package", () => {
  it("ships the built CLI, engine, guests, schemas and definitions, and no sources", function () {
    this.timeout(60000);
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const files = new Set((JSON.parse(r.stdout)[0].files as { path: string }[]).map((f) => f.path));
    for (const f of [
      "bin/run.js",
      "oclif.manifest.json",
      "scripts/postinstall.mjs",
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
    expect([...files].filter((f) => f.startsWith("src/") || f.startsWith("test/")), "sources").to.deep.equal([]);
  });

  it("postinstall builds only in a source checkout: in an installed package it does nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "coreason-pkg-"));
    try {
      mkdirSync(join(dir, "scripts"));
      copyFileSync(join(ROOT, "scripts", "postinstall.mjs"), join(dir, "scripts", "postinstall.mjs"));
      const r = spawnSync(process.execPath, [join(dir, "scripts", "postinstall.mjs")], { cwd: dir, encoding: "utf8", timeout: 10000 });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout + r.stderr).to.equal("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
