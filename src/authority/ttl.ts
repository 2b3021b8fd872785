// Token lifetimes as written on the command line: 90s, 15m, 1h, 7d.
import { EngineError } from "../engine/errors.js";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
/** A year: capability tokens are meant to be short-lived; this bounds a typo. */
export const MAX_TTL_SECONDS = 366 * 86400;

export function parseTtl(text: string): number {
  const m = /^([1-9][0-9]{0,8})([smhd])$/.exec(text.trim());
  if (!m) throw new EngineError("USAGE", `--ttl '${text}': expected a number and a unit s, m, h or d (e.g. 30m, 1h, 7d)`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]];
  if (seconds > MAX_TTL_SECONDS) throw new EngineError("USAGE", `--ttl '${text}': at most 366d`);
  return seconds;
}
