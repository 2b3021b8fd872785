// Enclave policy: load (YAML or JSON), validate in two passes (structure with ajv,
// then OpenShell's path rules), and turn into the guard's configuration.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { EngineError } from "../errors.js";
import { schemaErrors } from "../schema/validator.js";
import type { GuardConfig } from "./guard-config.js";
// in guard-config.ts (no YAML): a --wasm exec reaches it
export { foreignGuardConfig } from "./guard-config.js";
import { ENCLAVE_DEFAULTS } from "./defaults.js";

export interface Policy {
  version: 1;
  filesystem_policy: { include_workdir?: boolean; read_only?: string[]; read_write?: string[] };
  network?: { mode: "disabled" };
  limits?: { memory_pages?: number; timeout_ms?: number; output_bytes?: number };
  on_violation?: "deny" | "trap";
}

const MAX_PATHS = 256;

/** Deny-all: nothing mounted, no network, deny on violation. */
export function restrictiveDefaultPolicy(): Policy {
  return {
    version: 1,
    filesystem_policy: { include_workdir: false, read_only: [], read_write: [] },
    network: { mode: ENCLAVE_DEFAULTS.network },
    on_violation: ENCLAVE_DEFAULTS.on_violation,
  };
}

/** Structural and semantic violations together, each "pointer: problem": the path
 *  rules run on every path that is a string, whatever else the schema refused. */
export function policyViolations(data: unknown): string[] {
  const out = schemaErrors("policy.schema.json", data);
  const fs = (data as { filesystem_policy?: Record<string, unknown> } | null)?.filesystem_policy;
  let total = 0;
  for (const key of ["read_only", "read_write"] as const) {
    const paths = fs && typeof fs === "object" && Array.isArray(fs[key]) ? (fs[key] as unknown[]) : [];
    total += paths.length;
    paths.forEach((path, i) => {
      if (typeof path !== "string" || path === "") return; // the schema named it
      const at = `/filesystem_policy/${key}/${i}`;
      if (!path.startsWith("/")) out.push(`${at}: must be an absolute path, got ${JSON.stringify(path)}`);
      else if (path.split("/").includes("..")) out.push(`${at}: must not contain '..', got ${JSON.stringify(path)}`);
      if (path.includes("\0")) out.push(`${at}: must not contain a NUL byte`);
      if (key === "read_write" && normalise(path) === "/") out.push(`${at}: must not be "/"; grant narrower directories`);
    });
  }
  if (total > MAX_PATHS) out.push(`/filesystem_policy: at most ${MAX_PATHS} paths in read_only and read_write together, got ${total}`);
  return out;
}

export function parsePolicyText(text: string, label: string): unknown {
  try {
    return text.trimStart().startsWith("{") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new EngineError("POLICY_INVALID", `policy ${label}: not valid YAML or JSON: ${syntaxProblem(e)}`);
  }
}

/** The parser's first line, without the colon that introduced its source excerpt. */
export function syntaxProblem(e: unknown): string {
  return (e as Error).message.split("\n")[0].replace(/:\s*$/, "");
}

export function checkedPolicy(data: unknown, label: string): Policy {
  const violations = policyViolations(data);
  if (violations.length) {
    throw new EngineError("POLICY_INVALID", `policy ${label} invalid: ${violations.join("; ")}`, { violations });
  }
  return data as Policy;
}

export function loadPolicyFile(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new EngineError("POLICY_INVALID", `policy ${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return checkedPolicy(parsePolicyText(text, file), file);
}

export function normalise(path: string): string {
  const parts = path.split("/").filter((c) => c && c !== ".");
  return "/" + parts.join("/");
}

export function guardConfig(policy: Policy, workdir: string): GuardConfig {
  const fs = policy.filesystem_policy;
  const readWrite = (fs.read_write ?? []).map(normalise);
  if ((fs.include_workdir ?? ENCLAVE_DEFAULTS.include_workdir) && !readWrite.includes(workdir)) readWrite.push(workdir);
  return {
    readOnly: (fs.read_only ?? []).map(normalise),
    readWrite,
    workdir,
    onViolation: policy.on_violation ?? ENCLAVE_DEFAULTS.on_violation,
    network: policy.network?.mode ?? ENCLAVE_DEFAULTS.network,
    mounts: enclaveMounts(workdir, readWrite.includes("/tmp")),
    devices: ENCLAVE_DEFAULTS.devices.map((d) => ({ ...d })),
  };
}

/** Only the workdir survives between commands in the SDK, so the guest's workdir and
 *  /tmp are both backed by directories inside it; its root keeps engine files (the
 *  audit log) that the guest cannot name. */
export function enclaveMounts(workdir: string, withTmp: boolean) {
  return [{ guest: workdir, backing: `${workdir}/home` }, ...(withTmp ? [{ guest: "/tmp", backing: `${workdir}/tmp` }] : [])];
}

export function policyDigest(policy: Policy): string {
  return "sha256:" + createHash("sha256").update(JSON.stringify(policy)).digest("hex");
}
