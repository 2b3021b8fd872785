// Definition sources: built-in, registered packages (plugins), COREASON_ENCLAVE_PATH and
// --definition FILE. Every definition is validated the same way; a name defined twice
// is an error naming both sources; nothing replaces a built-in.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { parse, stringify } from "yaml";
import { readFileSync } from "node:fs";
import { definitionCatalog, registerDefinitionPackages } from "../../src/engine/enclave/catalog.js";
import {
  definitionModule,
  knownEnclaves,
  listDefinitions,
  loadDefinition,
  loadDefinitionFile,
  startSuggestions,
} from "../../src/engine/enclave/definitions.js";
import { nearestName } from "../../src/engine/enclave/hints.js";
import { renderHint } from "../../src/cli/hints.js";
import { EngineError } from "../../src/engine/errors.js";
import { ROOT } from "../helpers/cli.js";

const EXAMPLE = join(ROOT, "examples", "hello-enclave");
const hello = () => parse(readFileSync(join(EXAMPLE, "enclaves", "Hello.yaml"), "utf8"));

function thrown(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    return e as EngineError;
  }
  throw new Error("did not throw");
}

describe("enclave definition sources", () => {
  let tmp: string;
  const saved = process.env.COREASON_ENCLAVE_PATH;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), "coreason-defs-"));
    delete process.env.COREASON_ENCLAVE_PATH;
    registerDefinitionPackages([]);
  });
  afterEach(() => {
    rmSync(tmp, { recursive: true, force: true });
    if (saved === undefined) delete process.env.COREASON_ENCLAVE_PATH;
    else process.env.COREASON_ENCLAVE_PATH = saved;
    registerDefinitionPackages([]);
  });

  /** A directory of definitions: NAME.yaml plus the example's module at dist/hello.wasm. */
  function enclaveDir(name: string, edit: (d: Record<string, unknown>) => void = () => {}): string {
    const dir = join(tmp, name + "-dir");
    mkdirSync(join(dir, "dist"), { recursive: true });
    copyFileSync(join(EXAMPLE, "dist", "hello.wasm"), join(dir, "dist", "hello.wasm"));
    const d = { ...hello(), name };
    edit(d);
    writeFileSync(join(dir, `${name}.yaml`), stringify(d));
    return dir;
  }

  it("built-in only by default", () => {
    expect(knownEnclaves()).to.deep.equal(["OpenShell"]);
    expect(loadDefinition("OpenShell").from).to.include({ source: "built-in", root: resolve(ROOT) });
  });

  it("a registered package (plugin) contributes its coreason.enclaves folder; module paths are relative to its root", () => {
    registerDefinitionPackages([{ name: "coreason-plugin-hello", root: EXAMPLE }]);
    const def = loadDefinition("Hello");
    expect(def.from).to.include({ source: "plugin", origin: "coreason-plugin-hello", root: EXAMPLE });
    expect(Buffer.from(definitionModule(def)).subarray(0, 4).toString("hex")).to.equal("0061736d");
  });

  it("COREASON_ENCLAVE_PATH: ':'-separated directories, a package root or a plain folder of definitions", () => {
    const plain = enclaveDir("Plain");
    process.env.COREASON_ENCLAVE_PATH = `${plain}:${EXAMPLE}`;
    expect(knownEnclaves()).to.deep.equal(["Hello", "OpenShell", "Plain"]);
    expect(loadDefinition("Plain").from).to.include({ source: "path", origin: plain, root: plain });
    expect(loadDefinition("Hello").from).to.include({ source: "path", origin: EXAMPLE, root: EXAMPLE });
  });

  it("two sources with one name: an error naming both, also for a built-in (never replaced)", () => {
    registerDefinitionPackages([{ name: "coreason-plugin-hello", root: EXAMPLE }]);
    process.env.COREASON_ENCLAVE_PATH = `${EXAMPLE}:${enclaveDir("OpenShell")}`;
    const twice = thrown(() => loadDefinition("Hello"));
    expect(twice.code).to.equal("DEFINITION_INVALID");
    expect(twice.message).to.match(
      /enclave 'Hello' is defined by 2 sources: plugin coreason-plugin-hello \(.*Hello\.yaml\) and COREASON_ENCLAVE_PATH .*hello-enclave/,
    );
    const builtIn = thrown(() => loadDefinition("OpenShell"));
    expect(builtIn.message).to.match(/'OpenShell' is defined by 2 sources: built-in \(.*enclaves\/OpenShell\.yaml\) and COREASON_ENCLAVE_PATH/);
    const listed = listDefinitions().definitions.filter((d) => d.name === "OpenShell");
    expect(listed.map((d) => d.source)).to.deep.equal(["built-in", "path"]);
    for (const d of listed) expect(d.error).to.match(/defined by 2 sources/);
  });

  it("--definition FILE: paths relative to its directory; it may not take a name another source has", () => {
    const dir = enclaveDir("Mine");
    expect(loadDefinitionFile(join(dir, "Mine.yaml")).from).to.include({ source: "file", root: dir });
    const clash = enclaveDir("OpenShell");
    expect(thrown(() => loadDefinitionFile(join(clash, "OpenShell.yaml"))).message).to.match(
      /'OpenShell' is defined by 2 sources: --definition .* and built-in/,
    );
    expect(loadDefinitionFile(join(ROOT, "enclaves", "OpenShell.yaml")).name, "the built-in's own file").to.equal("OpenShell");
    expect(thrown(() => loadDefinitionFile(join(tmp, "none.yaml"))).code).to.equal("DEFINITION_INVALID");
  });

  it("a plugin's definition is validated like a built-in's: schema, policy rules, paths inside its root, name = file name", () => {
    const bad = enclaveDir("Bad", (d) => {
      d.module = "../../etc/passwd";
      (d.policy as { filesystem_policy: { read_write: string[] } }).filesystem_policy.read_write = ["/"];
      d.extra = true;
    });
    process.env.COREASON_ENCLAVE_PATH = bad;
    const e = thrown(() => loadDefinition("Bad"));
    expect(e.code).to.equal("DEFINITION_INVALID");
    expect(e.details.violations).to.include.members([
      "/: unknown field 'extra'",
      '/policy/filesystem_policy/read_write/0: must not be "/"; grant narrower directories',
      `/module: must be a path inside ${bad}, got "../../etc/passwd"`,
    ]);
    const renamed = enclaveDir("File", (d) => (d.name = "Other"));
    process.env.COREASON_ENCLAVE_PATH = renamed;
    expect(thrown(() => loadDefinition("File")).message).to.match(/\/name: must be "File", the file's name/);
  });

  it("a package naming a folder it does not have is a reported problem, not a crash", () => {
    const pkg = join(tmp, "pkg");
    mkdirSync(pkg);
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "broken-plugin", coreason: { enclaves: "missing" } }));
    registerDefinitionPackages([{ name: "broken-plugin", root: pkg }]);
    expect(definitionCatalog().problems).to.deep.equal([
      `plugin broken-plugin: package.json coreason.enclaves names ${join(pkg, "missing")}, which is not a directory`,
    ]);
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "broken-plugin", coreason: { enclaves: "../.." } }));
    expect(definitionCatalog().problems[0]).to.match(/must be a folder inside the package/);
    expect(loadDefinition("OpenShell").name, "other definitions still work").to.equal("OpenShell");
  });

  it("an invalid name is a usage error; an unknown one suggests the nearest", () => {
    expect(thrown(() => loadDefinition("../etc")).code).to.equal("USAGE");
    const e = thrown(() => loadDefinition("openshel"));
    expect(e.code).to.equal("ENCLAVE_UNKNOWN");
    expect(renderHint(e.details.suggestions![0])).to.equal("did you mean coreason-server sys-diagnostics sandbox-start --enclave OpenShell?");
    expect(nearestName("Zebra", ["OpenShell"])).to.equal(undefined);
    expect(startSuggestions("OpenShell").map(renderHint)).to.deep.equal(["start it with coreason-server sys-diagnostics sandbox-start --enclave OpenShell"]);
    expect(startSuggestions("ci-1", "OpenShell").map(renderHint)).to.deep.equal([
      "start it with coreason-server sys-diagnostics sandbox-start --enclave OpenShell --name ci-1",
    ]);
    expect(startSuggestions("Zebra").map(renderHint).join(" ")).not.to.include("--enclave Zebra");
  });
});
