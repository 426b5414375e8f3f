import { strategyCatalog } from "./catalog.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

function needsText(entry: StrategyEntry): string {
  const shown = entry.needs.filter((need) => need !== "steps");
  return shown.length === 0 ? "" : shown.join(", ");
}

function alignedTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  const rule = `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join("\n");
}

/**
 * The catalog's entries of one kind as a Markdown table (spec, needs, what it does), columns aligned:
 * the README's strategy tables are this text, and a test keeps them in sync.
 *
 * @example
 * console.log(strategyCatalogMarkdown("search"));
 */
export function strategyCatalogMarkdown(kind: StrategyEntry["kind"]): string {
  const entries = strategyCatalog.filter((entry) => entry.kind === kind);
  return alignedTable([
    ["spec", "needs", kind === "search" ? "search" : "strategy"],
    ...entries.map((entry) => [
      entry.forms.map((form) => `\`${form}\``).join(", "),
      needsText(entry),
      entry.summary,
    ]),
  ]);
}

/**
 * The catalog as help text: one line per entry with its forms, what it needs and its summary.
 *
 * @example
 * program.addHelpText("after", `\nStrategies:\n${strategyCatalogHelp()}`);
 */
export function strategyCatalogHelp(): string {
  const rows = strategyCatalog.map((entry) => {
    const needs = needsText(entry);
    return [entry.forms.join(", "), `${entry.summary}${needs === "" ? "" : ` (needs ${needs})`}`] as const;
  });
  const width = Math.max(...rows.map(([forms]) => forms.length));
  return rows.map(([forms, summary]) => `  ${forms.padEnd(width)}  ${summary}`).join("\n");
}
