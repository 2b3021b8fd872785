// Enclave definitions are files (enclaves/<Name>.yaml), not code.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { EngineError } from "../errors.js";
import { ENGINE_VERSION, packagePath } from "../package-root.js";
import { Policy, policyViolations } from "../policy/policy.js";
import { schemaErrors } from "../schema/validator.js";

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
}

const DIR = packagePath("enclaves");

export function knownEnclaves(): string[] {
  return readdirSync(DIR).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5)).sort();
}

export function loadDefinition(name: string): EnclaveDefinition {
  const known = knownEnclaves();
  if (!known.includes(name)) {
    throw new EngineError("ENCLAVE_UNKNOWN", `unknown enclave '${name}'; known enclaves: ${known.join(", ")}`);
  }
  const file = `${DIR}/${name}.yaml`;
  const data = parseYaml(readFileSync(file, "utf8").replaceAll("{{version}}", ENGINE_VERSION));
  const problems = [...schemaErrors("enclave.schema.json", data)];
  if (!problems.length) problems.push(...policyViolations((data as EnclaveDefinition).policy).map((v) => `/policy${v}`));
  if (problems.length) throw new EngineError("DEFINITION_INVALID", `enclave definition ${file} invalid: ${problems.join("; ")}`);
  return data as EnclaveDefinition;
}

/** Bytes of the definition's guest module; a missing build is an engine failure. */
export function definitionModule(def: EnclaveDefinition): Uint8Array {
  const path = packagePath(def.module);
  if (!existsSync(path)) throw new EngineError("BOOT_FAILED", `enclave ${def.name}: guest module ${def.module} is missing; run npm run build`);
  return readFileSync(path);
}

/** Command names of a multi-call module (each appears as /bin/<name>). */
export function definitionCommands(def: EnclaveDefinition): string[] {
  if (!def.commands) return [def.shell];
  const list = JSON.parse(readFileSync(packagePath(def.commands), "utf8")) as string[];
  return [...new Set([def.shell, ...list])];
}
