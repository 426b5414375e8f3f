import { strategyCatalogMarkdown } from "./describe-catalog.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

type Kind = StrategyEntry["kind"];

/** The README section (`## …`) each kind's table sits in. */
export const readmeSectionOfKind: Readonly<Record<Kind, string>> = {
  sampling: "Strategies",
  search: "Strategies",
  routing: "Routing",
  composition: "Composition",
};

/** The cells of a Markdown table row, trimmed: `| a | b |` is `["a", "b"]`. */
function cellsOf(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((cell) => cell.trim());
}

/** A row's key: the first form its spec cell names (`` `sc@N` `` of `` `sc@N`, `maj@N` ``). */
function keyOf(row: string): string {
  return (cellsOf(row)[0] ?? "").split(",")[0]!.trim();
}

/** The lines of one `## name` section, up to the next `## ` heading. */
function sectionLines(readme: string, name: string): string[] | undefined {
  const lines = readme.split("\n");
  const start = lines.indexOf(`## ${name}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && line.startsWith("## "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The lines of the first table in `lines` whose header has `header`'s cells, header and rule included. */
function tableWithHeader(lines: readonly string[], header: string): string[] | undefined {
  const wanted = cellsOf(header).join("|");
  const start = lines.findIndex((line) => line.startsWith("|") && cellsOf(line).join("|") === wanted);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && !line.startsWith("|"));
  return lines.slice(start, end < 0 ? undefined : end);
}

/** Whether two tables' columns have the same widths, read from their rule lines. */
function sameWidths(table: readonly string[], other: readonly string[]): boolean {
  const widths = (lines: readonly string[]) => cellsOf(lines[1] ?? "").map((cell) => cell.length);
  return widths(table).join(",") === widths(other).join(",");
}

/**
 * How the README's table of one kind differs from the catalog's (`strategyCatalogMarkdown(kind)`), as
 * lines to act on: each row the README lacks (with the row it goes after), has beyond the catalog, or
 * says otherwise, and then an order or an alignment that differs; empty when the two are the same text.
 * The table is the first under the kind's `## ` heading whose header is the catalog table's.
 *
 * @example
 * expect(strategyTableDifferences(readme, "sampling")).toEqual([]);
 * // ["README table of sampling strategies (under ## Strategies) lacks the row: | `pair@N` | … | (after the row of `sc@N`)"]
 */
export function strategyTableDifferences(
  readme: string,
  kind: Kind,
  catalogTable: string = strategyCatalogMarkdown(kind),
): string[] {
  const section = readmeSectionOfKind[kind];
  const table = `README table of ${kind} strategies (under ## ${section})`;
  const expected = catalogTable.split("\n");
  const lines = sectionLines(readme, section);
  if (lines === undefined)
    return [`README has no "## ${section}" heading for the table of ${kind} strategies`];
  const actual = tableWithHeader(lines, expected[0]!);
  if (actual === undefined) {
    return [`README has no table of ${kind} strategies under ## ${section}, with the header: ${expected[0]}`];
  }
  if (actual.join("\n") === catalogTable) return [];
  const expectedRows = expected.slice(2);
  const actualRows = actual.slice(2);
  const actualByKey = new Map(actualRows.map((row) => [keyOf(row), row]));
  const expectedKeys = new Set(expectedRows.map(keyOf));
  const differences: string[] = [];
  expectedRows.forEach((row, index) => {
    const given = actualByKey.get(keyOf(row));
    if (given === undefined) {
      const after = index === 0 ? "as its first row" : `after the row of ${keyOf(expectedRows[index - 1]!)}`;
      differences.push(`${table} lacks the row: ${row} (${after})`);
    } else if (cellsOf(given).join("|") !== cellsOf(row).join("|")) {
      differences.push(`${table} has the row: ${given}; the catalog's is: ${row}`);
    }
  });
  for (const row of actualRows) {
    if (!expectedKeys.has(keyOf(row))) differences.push(`${table} has a row the catalog lacks: ${row}`);
  }
  const shared = (rows: readonly string[], others: ReadonlySet<string>) =>
    rows.map(keyOf).filter((key) => others.has(key));
  const actualOrder = shared(actualRows, expectedKeys);
  const expectedOrder = shared(expectedRows, new Set(actualByKey.keys()));
  if (actualOrder.join(",") !== expectedOrder.join(",")) {
    differences.push(
      `${table} lists its rows in the order ${actualOrder.join(", ")}; the catalog's order is ${expectedOrder.join(", ")}`,
    );
  }
  if (differences.length === 0) {
    differences.push(
      `${table} has the catalog's rows, aligned otherwise; the catalog's table is:\n${catalogTable}`,
    );
  } else if (!sameWidths(actual, expected)) {
    differences.push(
      `${table} has columns of other widths than the catalog's: the rows above are aligned as ` +
        `strategyCatalogMarkdown("${kind}") prints the whole table`,
    );
  }
  return differences;
}
