// Hints only ever suggest a definition that exists: the nearest known name when the
// one given does not. Free of YAML and policies: sandbox-exec reaches it (connect.ts).
import type { Hint } from "../errors.js";
import { definitionCatalog } from "./catalog.js";

export function knownEnclaves(): string[] {
  return [...new Set(definitionCatalog().entries.map((e) => e.name))].sort();
}

/** What to run to (re)start instance `instance`: only ever a definition that exists. */
export function startSuggestions(instance: string, definition?: string): Hint[] {
  let known: string[];
  try {
    known = knownEnclaves();
  } catch {
    known = [];
  }
  const def = definition && known.includes(definition) ? definition : known.includes(instance) ? instance : undefined;
  if (def) return [["start it with ", { do: "start", definition: def, ...(def === instance ? {} : { name: instance }) }]];
  const near = nearestName(definition ?? instance, known);
  return [
    ...(near ? [["to start the nearest definition: ", { do: "start", definition: near }] as const] : []),
    [{ do: "list" }, " shows the instances; ", { do: "definitions" }, " the definitions"],
  ];
}

/** The known name closest to `name` (case-insensitive edit distance), if any is close. */
export function nearestName(name: string, known: string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(best.name.length / 5)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
