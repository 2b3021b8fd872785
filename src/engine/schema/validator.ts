// Validation against schemas/: the build compiles every schema into standalone ajv
// validators (scripts/compile-schemas.mjs), so commands pay neither ajv's load nor its
// compile. Without a build (running from sources) one strict ajv instance compiles them.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import type { ErrorObject } from "ajv";
import { packagePath } from "../package-root.js";

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const COMPILED = packagePath("dist", "engine", "schema", "compiled");
const require = createRequire(import.meta.url);
let runtime: Record<string, Validate> | undefined;
let index: Record<string, string> | undefined;
const loaded = new Map<string, Validate>();

function validator(id: string): Validate | undefined {
  // decided once: every protocol frame and request body is validated here
  if (!runtime && !index) {
    if (existsSync(join(COMPILED, "index.json"))) index = JSON.parse(readFileSync(join(COMPILED, "index.json"), "utf8")) as Record<string, string>;
    else runtime = compileAtRuntime();
  }
  if (runtime) return runtime[id];
  if (!index) return undefined;
  if (!index[id]) return undefined;
  if (!loaded.has(id)) loaded.set(id, (require(join(COMPILED, index[id])) as { validate: Validate }).validate);
  return loaded.get(id);
}

/** Adds every schema file under schemas/ with its relative path as id; returns the ids.
 *  Shared with scripts/compile-schemas.mjs, so both see the same set. */
export function addAllSchemas(ajv: { addSchema(schema: object, key: string): unknown }): string[] {
  const root = packagePath("schemas");
  const ids: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".json")) {
        const id = relative(root, p);
        ajv.addSchema(JSON.parse(readFileSync(p, "utf8")), id);
        ids.push(id);
      }
    }
  };
  walk(root);
  return ids;
}

function compileAtRuntime(): Record<string, Validate> {
  const { Ajv } = require("ajv") as typeof import("ajv");
  const addFormats = require("ajv-formats") as (a: unknown) => void;
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const ids = addAllSchemas(ajv);
  return new Proxy({} as Record<string, Validate>, { get: (_, id: string) => (ids.includes(id) ? (ajv.getSchema(id) as Validate) : undefined) });
}

/** Validates `data` against schemas/<name>; returns "pointer: message" lines. */
export function schemaErrors(name: string, data: unknown): string[] {
  const validate = validator(name);
  if (!validate) throw new Error(`no schema ${name}`);
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
