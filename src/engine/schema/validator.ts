// One strict ajv instance for every schema in schemas/, compiled once per process.
// The CLI, serve and the tests validate against the same files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv, ErrorObject, ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { packagePath } from "../package-root.js";

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ allErrors: true, strict: true });
  // ajv-formats is CommonJS with a default export
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  const root = packagePath("schemas");
  const walk = (dir: string) => {
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".json")) ajv!.addSchema(JSON.parse(readFileSync(p, "utf8")), relative(root, p));
    }
  };
  walk(root);
  return ajv;
}

/** Validates `data` against schemas/<name>; returns "pointer: message" lines. */
export function schemaErrors(name: string, data: unknown): string[] {
  let validate = compiled.get(name);
  if (!validate) {
    validate = instance().getSchema(name);
    if (!validate) throw new Error(`no schema ${name}`);
    compiled.set(name, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || "/";
  if (e.keyword === "additionalProperties") return `${at}: unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  if (e.keyword === "enum") return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  if (e.keyword === "const") return `${at}: must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
  return `${at}: ${e.message}`;
}
