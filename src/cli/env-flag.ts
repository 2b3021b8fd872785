// --env / -e KEY=VALUE pairs, as sandbox-exec and coreason-engine take them. Light on
// purpose: sandbox-exec imports it on every call.
import { usageError } from "./engine-command.js";

export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(pair.slice(0, eq))) throw usageError(`--env ${JSON.stringify(pair)}: expected KEY=VALUE with KEY a shell variable name`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}
