// Plain aligned columns (no colour: output is read by CI logs as often as by people).
// Cells longer than `maxCell` (one limit, or one per column) are cut with "…" (the
// full text is in --json).
export function renderTable(header: string[], rows: string[][], maxCell: number | number[] = Infinity): string {
  const limit = (c: number) => (Array.isArray(maxCell) ? (maxCell[c] ?? Infinity) : maxCell);
  const cut = (s: string, c: number) => (s.length > limit(c) ? s.slice(0, Math.max(1, limit(c)) - 1) + "…" : s);
  const cells = rows.map((r) => r.map(cut));
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
  return [header, ...cells].map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ")).join("\n");
}
