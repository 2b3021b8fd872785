// One exec can make millions of denied calls (a loop around `cat /etc/passwd`).
// Identical violations are counted rather than repeated, and only the first
// MAX_DISTINCT_VIOLATIONS different ones are listed: an exec's result must fit one
// protocol frame, and the audit log must not be able to fill the host's disk.
import type { Violation } from "../protocol/messages.js";

/** 100 paths of up to 4 KiB stay well inside a 1 MiB frame. */
export const MAX_DISTINCT_VIOLATIONS = 100;

export interface ViolationSummary {
  violations: Violation[];
  /** Violations beyond the listed kinds: counted, not described. */
  dropped: number;
}

export function summariseViolations(all: Violation[]): ViolationSummary {
  const byKind = new Map<string, Violation>();
  let dropped = 0;
  for (const v of all) {
    const kind = JSON.stringify([v.operation, v.path, v.rule, v.decision]);
    const seen = byKind.get(kind);
    if (seen) seen.count = (seen.count ?? 1) + 1;
    else if (byKind.size < MAX_DISTINCT_VIOLATIONS) byKind.set(kind, { ...v });
    else dropped++;
  }
  return { violations: [...byKind.values()], dropped };
}
