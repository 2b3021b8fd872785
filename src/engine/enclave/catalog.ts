// Where enclave definitions come from: the package's own enclaves/ (built-in), packages
// that name a folder in package.json (`"coreason": {"enclaves": "enclaves"}`, e.g. oclif
// plugins), and the directories of $COREASON_ENCLAVE_PATH. A definition's name is its
// file name (NAME.yaml); two sources with one name are a conflict, never an override.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { PACKAGE_ROOT } from "../package-root.js";

export type DefinitionSourceKind = "built-in" | "plugin" | "path" | "file";

export interface CatalogEntry {
  name: string;
  /** The definition file. */
  file: string;
  /** Directory its `module` and `commands` paths are relative to. */
  root: string;
  source: DefinitionSourceKind;
  /** Plugin (package) name, or the COREASON_ENCLAVE_PATH directory. */
  origin?: string;
}

export interface Catalog {
  entries: CatalogEntry[];
  /** Sources that could not be read (a plugin naming a missing folder, ...). */
  problems: string[];
}

/** A package that may contribute definitions (the CLI registers its oclif plugins). */
export interface DefinitionPackage {
  name: string;
  root: string;
}

let registered: DefinitionPackage[] = [];

/** Packages beyond the built-in and $COREASON_ENCLAVE_PATH; replaces the previous set. */
export function registerDefinitionPackages(packages: DefinitionPackage[]): void {
  registered = packages.filter((p) => resolve(p.root) !== resolve(PACKAGE_ROOT));
}

const DEFINITION_FILE = /^(.+)\.ya?ml$/;

export function definitionCatalog(env: NodeJS.ProcessEnv = process.env): Catalog {
  const entries: CatalogEntry[] = [];
  const problems: string[] = [];
  const scan = (dir: string, root: string, source: DefinitionSourceKind, origin?: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      problems.push(`${describeSource({ source, origin })}: cannot read ${dir} (${(e as NodeJS.ErrnoException).code})`);
      return;
    }
    for (const f of names) {
      const m = DEFINITION_FILE.exec(f);
      if (m) entries.push({ name: m[1], file: join(dir, f), root, source, ...(origin ? { origin } : {}) });
    }
  };
  scan(join(PACKAGE_ROOT, "enclaves"), PACKAGE_ROOT, "built-in");
  for (const pkg of registered) {
    const folder = enclaveFolder(pkg.root);
    if (typeof folder === "string") scan(folder, pkg.root, "plugin", pkg.name);
    else if (folder) problems.push(`plugin ${pkg.name}: ${folder.problem}`);
  }
  for (const dir of enclavePathDirs(env)) {
    // a package root contributes its named folder; any other directory its own files
    const folder = enclaveFolder(dir);
    if (typeof folder === "string") scan(folder, dir, "path", dir);
    else if (folder) problems.push(`COREASON_ENCLAVE_PATH ${dir}: ${folder.problem}`);
    else scan(dir, dir, "path", dir);
  }
  return { entries, problems };
}

/** The definitions folder a package names, a problem, or undefined when it names none. */
function enclaveFolder(root: string): string | { problem: string } | undefined {
  let pjson: { coreason?: { enclaves?: unknown } };
  try {
    pjson = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  } catch {
    return undefined;
  }
  const folder = pjson.coreason?.enclaves;
  if (folder === undefined) return undefined;
  if (typeof folder !== "string" || isAbsolute(folder) || folder.split(/[\\/]/).includes("..")) {
    return { problem: `package.json coreason.enclaves must be a folder inside the package, got ${JSON.stringify(folder)}` };
  }
  const dir = join(root, folder);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { problem: `package.json coreason.enclaves names ${dir}, which is not a directory` };
  return dir;
}

function enclavePathDirs(env: NodeJS.ProcessEnv): string[] {
  return (env.COREASON_ENCLAVE_PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .map((d) => resolve(d));
}

export function describeSource(e: { source: DefinitionSourceKind; origin?: string; file?: string }): string {
  const where = e.file ? ` (${e.file})` : "";
  if (e.source === "plugin") return `plugin ${e.origin}${where}`;
  if (e.source === "path") return `COREASON_ENCLAVE_PATH ${e.origin}${where}`;
  if (e.source === "file") return `--definition${where}`;
  return `built-in${where}`;
}
