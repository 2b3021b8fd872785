// The schemas share their definitions: one name pattern, one digest, one start document.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect } from "chai";
import { NAME_PATTERN } from "../../src/engine/state/state-dir.js";
import { schemaErrors } from "../../src/engine/schema/validator.js";
import { ROOT } from "../helpers/cli.js";

const SCHEMAS = join(ROOT, "schemas");
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

describe("schemas: shared definitions", () => {
  const defs = JSON.parse(readFileSync(join(SCHEMAS, "defs.json"), "utf8"));

  it("the name pattern is the engine's, and defined nowhere else", () => {
    expect(defs.definitions.name.pattern).to.equal(NAME_PATTERN.source);
    for (const f of files(SCHEMAS).filter((f) => !f.endsWith("defs.json"))) {
      expect(readFileSync(f, "utf8"), relative(ROOT, f)).not.to.include(NAME_PATTERN.source.replace(/\\/g, "\\\\")).and.not.include("A-Za-z0-9][A-Za-z0-9_.-]");
    }
  });

  it("names and digests are checked through the shared definitions (positive control: a bad one fails)", () => {
    const started = {
      enclave: "a",
      definition: "OpenShell",
      pid: 1,
      memoryPages: 1,
      timeoutMs: 1,
      startedAt: new Date().toISOString(),
      policyDigest: "sha256:" + "0".repeat(64),
      moduleCached: true,
    };
    expect(schemaErrors("api/instance.json", started)).to.deep.equal([]);
    expect(schemaErrors("api/instance.json", { ...started, policyDigest: "sha256:xyz" })).to.have.length.greaterThan(0);
    expect(schemaErrors("api/start-request.json", { enclave: "../etc" })).to.have.length.greaterThan(0);
    expect(schemaErrors("api/start-request.json", { enclave: "OpenShell", name: "ci-1" })).to.deep.equal([]);
  });

  it("POST /v1/enclaves and sandbox-start --json are one document", () => {
    const api = JSON.parse(readFileSync(join(SCHEMAS, "api", "instance.json"), "utf8"));
    expect(api.$ref).to.equal("../output/sys-diagnostics-sandbox-start.json");
    expect(Object.keys(api)).to.have.members(["$schema", "$id", "title", "$ref"]);
  });
});
