// Plain aligned columns (no colour: output is read by CI logs as often as by people).
// Cells longer than `maxCell` are cut with "…" (the full text is in --json).
export function renderTable(header: string[], rows: string[][], maxCell = Infinity): string {
  const cut = (s: string) => (s.length > maxCell ? s.slice(0, maxCell - 1) + "…" : s);
  const cells = rows.map((r) => r.map(cut));
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
  return [header, ...cells].map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ")).join("\n");
}
