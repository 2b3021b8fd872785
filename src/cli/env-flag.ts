// --env / -e KEY=VALUE and --copy HOST:GUEST, checked by oclif's parser (Flags.custom):
// a bad value is a usage error (2) naming it before the command runs. Light on purpose:
// sandbox-exec imports it on every call.
import { Flags } from "@oclif/core";
import type { HostCopy } from "../engine/runner/run-once.js";
import { usageError } from "./engine-command.js";
import { valueParser } from "./flags.js";

export type EnvPair = readonly [key: string, value: string];

export function parseEnvPair(pair: string): EnvPair {
  const eq = pair.indexOf("=");
  if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(pair.slice(0, eq)))
    throw usageError(`--env ${JSON.stringify(pair)}: expected KEY=VALUE with KEY a shell variable name`);
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

/** The guest's environment from the parsed pairs (a later KEY wins, as in docker). */
export function envRecord(pairs: readonly EnvPair[] = []): Record<string, string> {
  return Object.fromEntries(pairs);
}

export const envFlag = Flags.custom<EnvPair>({
  char: "e",
  description: "KEY=VALUE for the guest's environment (repeatable)",
  multiple: true,
  parse: valueParser(parseEnvPair),
});

export function parseCopy(spec: string): HostCopy {
  const at = spec.lastIndexOf(":");
  if (at <= 0 || !spec.slice(at + 1).startsWith("/")) throw usageError(`--copy ${JSON.stringify(spec)}: expected HOST:GUEST with GUEST an absolute path`);
  return { host: spec.slice(0, at), guest: spec.slice(at + 1).replace(/\/+$/, "") || "/" };
}

export const copyFlag = Flags.custom<HostCopy>({
  description: "HOST:GUEST, put a host file or directory into the enclave first (repeatable; GUEST under /workspace or /tmp)",
  multiple: true,
  parse: valueParser(parseCopy),
});
