// Enclave definitions are files (NAME.yaml), not code. They come from several sources
// (catalog.ts); whatever the source, a definition is validated the same way here and
// its module is admitted the same way by the start path.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { EngineError } from "../errors.js";
import { ENGINE_VERSION, PACKAGE_ROOT } from "../package-root.js";
import { Policy, policyViolations, syntaxProblem } from "../policy/policy.js";
import { schemaErrors } from "../schema/validator.js";
import { NAME_PATTERN } from "../state/state-dir.js";
import { CatalogEntry, definitionCatalog, describeSource } from "./catalog.js";
import { nearestName } from "./hints.js";

// kept in hints.ts (no YAML): every sandbox-exec that finds no instance suggests a start
export { knownEnclaves, startSuggestions } from "./hints.js";

export interface EnclaveDefinition {
  version: 1;
  name: string;
  description?: string;
  module: string;
  commands?: string;
  shell: string;
  workdir: string;
  env: Record<string, string>;
  files: Record<string, string>;
  policy: Policy;
  /** Where it was loaded from (not part of the file). */
  from: CatalogEntry;
}

export function loadDefinition(name: string): EnclaveDefinition {
  if (!NAME_PATTERN.test(name) || name.includes("..")) {
    throw new EngineError("USAGE", `invalid enclave name '${name}': use letters, digits, '.', '_' and '-' (at most 64)`);
  }
  const entries = definitionCatalog().entries;
  const found = entries.filter((e) => e.name === name);
  if (!found.length) {
    const known = [...new Set(entries.map((e) => e.name))].sort();
    const near = nearestName(name, known);
    throw new EngineError("ENCLAVE_UNKNOWN", `unknown enclave '${name}'; known enclaves: ${known.join(", ") || "none"}`, {
      suggestions: [
        ...(near ? [["did you mean ", { do: "start", definition: near }, "?"] as const] : []),
        [{ do: "definitions" }, " lists every definition and where it comes from"],
      ],
    });
  }
  if (found.length > 1) throw conflict(name, found);
  return loadEntry(found[0]);
}

/** `sandbox-start --definition FILE`: paths in it are relative to its directory. It may
 *  not reuse a name another source defines (a built-in is never replaced). */
export function loadDefinitionFile(file: string): EnclaveDefinition {
  const path = resolve(file);
  if (!existsSync(path)) throw new EngineError("DEFINITION_INVALID", `enclave definition ${file}: no such file`);
  const def = loadEntry({ name: "", file: path, root: dirname(path), source: "file" });
  const same = definitionCatalog().entries.filter((e) => e.name === def.name && realpathSync(e.file) !== realpathSync(path));
  if (same.length) throw conflict(def.name, [def.from, ...same]);
  return def;
}

function conflict(name: string, found: CatalogEntry[]): EngineError {
  return new EngineError(
    "DEFINITION_INVALID",
    `enclave '${name}' is defined by ${found.length} sources: ${found.map(describeSource).join(" and ")}; rename one (a definition never replaces another)`,
  );
}

function loadEntry(entry: CatalogEntry): EnclaveDefinition {
  const fail = (problems: string[]) =>
    new EngineError("DEFINITION_INVALID", `enclave definition ${entry.file} invalid: ${problems.join("; ")}`, { violations: problems });
  let data: unknown;
  try {
    data = parseYaml(readFileSync(entry.file, "utf8").replaceAll("{{version}}", ENGINE_VERSION));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ? `cannot read (${(e as NodeJS.ErrnoException).code})` : `not valid YAML: ${syntaxProblem(e)}`;
    throw new EngineError("DEFINITION_INVALID", `enclave definition ${entry.file}: ${why}`);
  }
  const problems = schemaErrors("enclave.schema.json", data);
  const d = (data ?? {}) as Partial<EnclaveDefinition>;
  if (d && typeof d === "object" && "policy" in d)
    problems.push(
      ...policyViolations(d.policy)
        .filter((v) => !problems.includes(`/policy${v}`))
        .map((v) => `/policy${v}`),
    );
  for (const key of ["module", "commands"] as const) {
    const p = d[key];
    if (typeof p === "string" && !insideRoot(entry.root, p)) problems.push(`/${key}: must be a path inside ${entry.root}, got ${JSON.stringify(p)}`);
  }
  if (entry.source !== "file" && typeof d.name === "string" && d.name !== entry.name)
    problems.push(`/name: must be ${JSON.stringify(entry.name)}, the file's name, got ${JSON.stringify(d.name)}`);
  if (problems.length) throw fail([...new Set(problems)]);
  const def = data as EnclaveDefinition;
  def.from = { ...entry, name: def.name };
  return def;
}

function insideRoot(root: string, path: string): boolean {
  if (isAbsolute(path)) return false;
  const rel = relative(root, join(root, path));
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** A file the definition names (its module, its command list): a missing one is an
 *  engine failure that says which definition named it and how to fix it. */
function definitionFile(def: EnclaveDefinition, rel: string, what: string): string {
  const path = join(def.from.root, rel);
  if (!existsSync(path)) {
    const fix = def.from.root === PACKAGE_ROOT ? "; run npm run build" : `, named by ${describeSource(def.from)}`;
    throw new EngineError("BOOT_FAILED", `enclave ${def.name}: ${what} ${path} is missing${fix}`);
  }
  return path;
}

/** Bytes of the definition's guest module; a missing build is an engine failure. */
export function definitionModule(def: EnclaveDefinition): Uint8Array {
  return readFileSync(definitionFile(def, def.module, "guest module"));
}

/** Command names of a multi-call module (each appears as /bin/<name>). */
export function definitionCommands(def: EnclaveDefinition): string[] {
  if (!def.commands) return [def.shell];
  const path = definitionFile(def, def.commands, "command list");
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new EngineError("DEFINITION_INVALID", `enclave ${def.name}: command list ${path} is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(list) || !list.every((c) => typeof c === "string" && /^[A-Za-z0-9._+-]+$/.test(c))) {
    throw new EngineError("DEFINITION_INVALID", `enclave ${def.name}: command list ${path} must be a JSON array of command names`);
  }
  return [...new Set([def.shell, ...(list as string[])])];
}

export interface ListedDefinition {
  name: string;
  source: CatalogEntry["source"];
  origin?: string;
  file: string;
  description?: string;
  /** Why it cannot be used (invalid, or defined by another source too). */
  error?: string;
}

/** Every definition of every source, each validated; and the sources that failed. */
export function listDefinitions(): { definitions: ListedDefinition[]; problems: string[] } {
  const { entries, problems } = definitionCatalog();
  const definitions = entries.map((e): ListedDefinition => {
    const listed: ListedDefinition = { name: e.name, source: e.source, ...(e.origin ? { origin: e.origin } : {}), file: e.file };
    const twins = entries.filter((o) => o.name === e.name);
    try {
      if (twins.length > 1) throw conflict(e.name, twins);
      const def = loadEntry(e);
      if (def.description) listed.description = def.description;
    } catch (err) {
      listed.error = (err as Error).message;
    }
    return listed;
  });
  return { definitions, problems };
}
