import { strategyCatalog } from "./catalog.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

function needsText(entry: StrategyEntry, hidden: readonly string[] = ["steps"]): string {
  const shown = entry.needs.filter((need) => !hidden.includes(need));
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

/** The heading of routing entries in help: how their models are named. */
const routingHeading =
  "Routing (between models named after the spec, smallest first, quoted in a shell: 'cascade@8:lab-small>lab-large'; " +
  "or --small-model NAME, which routes NAME>--model):";

/**
 * The catalog as help text: one line per entry with its forms, what it needs and its summary; routing
 * entries come last, under a "Routing" heading that says how to name their models.
 *
 * @example
 * program.addHelpText("after", `\nStrategies:\n${strategyCatalogHelp()}`);
 */
export function strategyCatalogHelp(entries: readonly StrategyEntry[] = strategyCatalog): string {
  const row = (entry: StrategyEntry) => {
    // The heading of routing entries says how models are named.
    const needs = needsText(entry, ["steps", "models"]);
    return [entry.forms.join(", "), `${entry.summary}${needs === "" ? "" : ` (needs ${needs})`}`] as const;
  };
  const single = entries.filter((entry) => entry.kind !== "routing").map(row);
  const routing = entries.filter((entry) => entry.kind === "routing").map(row);
  const width = Math.max(...[...single, ...routing].map(([forms]) => forms.length));
  const lines = (rows: readonly (readonly [string, string])[]) =>
    rows.map(([forms, summary]) => `  ${forms.padEnd(width)}  ${summary}`);
  return [...lines(single), ...(routing.length === 0 ? [] : [routingHeading, ...lines(routing)])].join("\n");
}
