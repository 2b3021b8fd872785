// The module cache's bound: a size cap ($COREASON_MODULE_CACHE_BYTES) with least-
// recently-used eviction, held links that eviction cannot take away, the prebuilt
// cache untouched.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { cacheLimitBytes, DEFAULT_CACHE_BYTES } from "../../src/engine/admission/cache-bound.js";
import { guardKey, prepareModule, PREBUILT_CACHE } from "../../src/engine/admission/module-cache.js";
import { loadDefinition, definitionModule } from "../../src/engine/enclave/definitions.js";
import { EngineError } from "../../src/engine/errors.js";
import { guardConfig } from "../../src/engine/policy/policy.js";
import { guestFile } from "../helpers/guarded-sandbox.js";

const hello = readFileSync(guestFile("fixtures", "hello.wasm"));
const def = loadDefinition("OpenShell");
const guard = guardConfig(def.policy, def.workdir);

/** hello.wasm with a custom section of its own: a distinct module (another digest). */
function variant(n: number): Uint8Array {
  const name = Buffer.from("variant");
  const payload = Buffer.from(String(n).padStart(8, "0"));
  return Buffer.concat([hello, Buffer.from([0, 1 + name.length + payload.length, name.length]), name, payload]);
}

/** What the cache directory holds, as eviction counts it (its own .wasm entries). */
function cacheSize(dir: string): number {
  return readdirSync(dir)
    .filter((n) => n.endsWith(".wasm"))
    .reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
}

describe("module cache bound", () => {
  const saved = process.env.COREASON_MODULE_CACHE_BYTES;
  let cache: string;
  const prepare = (bytes: Uint8Array, holdIn?: string) => prepareModule(bytes, "m.wasm", guard, 128, cache, { holdIn });
  const entryOf = (bytes: Uint8Array) => join(cache, `${guardKey(bytes, guard)}-p128.wasm`);

  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), "coreason-cache-"));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.COREASON_MODULE_CACHE_BYTES;
    else process.env.COREASON_MODULE_CACHE_BYTES = saved;
    rmSync(cache, { recursive: true, force: true });
  });

  it("never grows past the cap, however many distinct modules arrive", async () => {
    // positive control: unbounded (the default cap is far above this), every module stays
    for (let i = 0; i < 4; i++) await prepare(variant(i));
    const unbounded = cacheSize(cache);
    const perModule = statSync(entryOf(variant(0))).size * 2; // guarded + capped copy
    expect(unbounded).to.be.greaterThan(perModule * 3);
    process.env.COREASON_MODULE_CACHE_BYTES = String(perModule * 2);
    for (let i = 4; i < 12; i++) {
      await prepare(variant(i));
      expect(cacheSize(cache), `after module ${i}`).to.be.at.most(perModule * 2);
    }
    expect(existsSync(entryOf(variant(11))), "the newest stays").to.equal(true);
    expect(existsSync(entryOf(variant(4))), "an old one went").to.equal(false);
  });

  it("evicts the least recently used: a module used again outlives one used once", async () => {
    await prepare(variant(1));
    const perModule = cacheSize(cache); // the template and one module (both copies)
    await prepare(variant(2));
    await new Promise((r) => setTimeout(r, 20));
    await prepare(variant(1)); // a hit: now the most recently used
    process.env.COREASON_MODULE_CACHE_BYTES = String(perModule * 2);
    await prepare(variant(3));
    expect(existsSync(entryOf(variant(1))), "used again: kept").to.equal(true);
    expect(existsSync(entryOf(variant(2))), "least recently used: evicted").to.equal(false);
    expect(existsSync(entryOf(variant(3)))).to.equal(true);
  });

  it("a held module survives eviction of its entry, byte for byte; the prebuilt cache is untouched", async () => {
    const prebuilt = readdirSync(PREBUILT_CACHE).sort();
    const holder = mkdtempSync(join(tmpdir(), "coreason-held-"));
    try {
      process.env.COREASON_MODULE_CACHE_BYTES = "0";
      const held = await prepare(variant(7), holder);
      const shell = await prepareModule(definitionModule(def), "openshell", guard, 200, cache, { holdIn: holder });
      expect(cacheSize(cache), "cap 0: nothing kept in the cache").to.equal(0);
      expect(held.path.startsWith(holder)).to.equal(true);
      delete process.env.COREASON_MODULE_CACHE_BYTES;
      const again = await prepareModule(variant(7), "m.wasm", guard, 128, join(holder, "fresh-cache"));
      expect(Buffer.compare(readFileSync(held.path), readFileSync(again.path)), "the held copy is the module").to.equal(0);
      expect(existsSync(shell.path)).to.equal(true);
      expect(shell.cached, "OpenShell's module came from the prebuilt cache").to.equal(true);
      expect(readdirSync(PREBUILT_CACHE).sort()).to.deep.equal(prebuilt);
    } finally {
      rmSync(holder, { recursive: true, force: true });
    }
  });

  it("a module returned without a hold (read at once, as the one-shot runner does) is never evicted by its own preparation", async () => {
    process.env.COREASON_MODULE_CACHE_BYTES = "0";
    const mod = await prepare(variant(9));
    expect(existsSync(mod.path), "the returned entry is there to read").to.equal(true);
    expect(cacheSize(cache)).to.equal(statSync(mod.path).size);
    await prepare(variant(10));
    expect(existsSync(mod.path), "the next preparation evicts it").to.equal(false);
  });

  it("reads its setting from COREASON_MODULE_CACHE_BYTES; a bad value is a one-line error naming it", () => {
    expect(cacheLimitBytes({})).to.equal(DEFAULT_CACHE_BYTES);
    expect(cacheLimitBytes({ COREASON_MODULE_CACHE_BYTES: "1048576" })).to.equal(1048576);
    expect(cacheLimitBytes({ COREASON_MODULE_CACHE_BYTES: "64M" })).to.equal(64 * 1024 * 1024);
    expect(cacheLimitBytes({ COREASON_MODULE_CACHE_BYTES: "2GiB" })).to.equal(2 * 1024 ** 3);
    for (const bad of ["lots", "-1", "1.5M", "12T"]) {
      expect(() => cacheLimitBytes({ COREASON_MODULE_CACHE_BYTES: bad })).to.throw(
        EngineError,
        new RegExp(`^COREASON_MODULE_CACHE_BYTES '${bad.replace(".", "\\.")}' is not a size`),
      );
    }
  });
});
