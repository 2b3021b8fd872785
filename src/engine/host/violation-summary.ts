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

/** Counts violations as they arrive, in batches that may themselves be summaries
 *  (a violation with `count` stands for that many). */
export class ViolationTally {
  private readonly byKind = new Map<string, Violation>();
  private dropped = 0;

  add(batch: Iterable<Violation>, droppedBefore = 0): void {
    this.dropped += droppedBefore;
    for (const v of batch) {
      const n = v.count ?? 1;
      const kind = JSON.stringify([v.operation, v.path, v.rule, v.decision]);
      const seen = this.byKind.get(kind);
      if (seen) seen.count = (seen.count ?? 1) + n;
      else if (this.byKind.size < MAX_DISTINCT_VIOLATIONS)
        this.byKind.set(kind, n > 1 ? { ...v, count: n } : { operation: v.operation, path: v.path, rule: v.rule, decision: v.decision });
      else this.dropped += n;
    }
  }

  summary(): ViolationSummary {
    return { violations: [...this.byKind.values()].map((v) => ({ ...v })), dropped: this.dropped };
  }
}
