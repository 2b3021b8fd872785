// The OpenShell guest is built from our sources during npm install; the same sources
// must give the same bytes (no timestamps, no paths, sorted inputs).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ROOT } from "../helpers/cli.js";

describe("reproducible guest build", () => {
  const dir = mkdtempSync(join(tmpdir(), "coreason-build-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("building OpenShell twice gives identical bytes, equal to the installed module", async function () {
    this.timeout(600000);
    const { buildTarget, TARGETS } = await import(join(ROOT, "scripts", "build-guest.mjs"));
    const target = TARGETS.find((t: { name: string }) => t.name === "openshell");
    const a = join(dir, "a.wasm");
    const b = join(dir, "b.wasm");
    await buildTarget(target, { force: true, out: a });
    await buildTarget(target, { force: true, out: b });
    const bytesA = readFileSync(a);
    expect(bytesA.length).to.be.above(100000);
    expect(bytesA.equals(readFileSync(b))).to.equal(true);
    expect(bytesA.equals(readFileSync(join(ROOT, "dist", "guest", "openshell.wasm")))).to.equal(true);
  });
});
