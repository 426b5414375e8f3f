/**
 * A Markdown table for a benchmark's printed results: the first row is the header, every column padded to
 * its widest cell.
 *
 * @example
 * markdownTable([["run", "accuracy %"], ["ucb", "61.0"]]);
 * // | run | accuracy % |
 * // | --- | ---------- |
 * // | ucb | 61.0       |
 */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const header = rows[0];
  if (header === undefined) return "";
  const widths = header.map((_, column) => Math.max(3, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (row: readonly string[]) =>
    `| ${widths.map((width, column) => (row[column] ?? "").padEnd(width)).join(" | ")} |`;
  return [
    line(header),
    `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`,
    ...rows.slice(1).map(line),
  ].join("\n");
}
