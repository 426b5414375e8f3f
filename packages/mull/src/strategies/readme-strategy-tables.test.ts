import { describe, expect, it } from "vitest";
import { strategyTableDifferences } from "./readme-strategy-tables.test-support.ts";

const catalogTable = [
  "| spec             | needs | strategy   |",
  "| ---------------- | ----- | ---------- |",
  "| `greedy`         |       | one sample |",
  "| `sc@N`, `maj@N`  |       | a vote     |",
  "| `pair@N`         |       | two agree  |",
  "| `bon@N`          |       | the best   |",
].join("\n");

/** A README with `table` under `## Strategies`, between other sections and a search table. */
function readmeWith(table: string): string {
  return [
    "# mull",
    "",
    "## Use it",
    "",
    "| spec | needs | strategy |",
    "| ---- | ----- | -------- |",
    "| `other` | | not this one |",
    "",
    "## Strategies",
    "",
    "Text before the table.",
    "",
    table,
    "",
    "| spec | needs | search |",
    "| ---- | ----- | ------ |",
    "",
    "## Routing",
    "",
  ].join("\n");
}

const lines = catalogTable.split("\n");

describe("strategyTableDifferences", () => {
  it("finds nothing when the README's table under the kind's heading is the catalog's, word for word", () => {
    expect(strategyTableDifferences(readmeWith(catalogTable), "sampling", catalogTable)).toEqual([]);
  });

  it("names a missing row, the heading it goes under and the row it goes after, and nothing else", () => {
    const readme = readmeWith(lines.filter((line) => !line.includes("pair@N")).join("\n"));
    expect(strategyTableDifferences(readme, "sampling", catalogTable)).toEqual([
      "README table of sampling strategies (under ## Strategies) lacks the row: | `pair@N`         |       | two agree  | (after the row of `sc@N`)",
    ]);
  });

  it("names a changed row, an extra row and rows out of order", () => {
    const changed = lines.map((line) => line.replace("a vote    ", "a new vote"));
    expect(strategyTableDifferences(readmeWith(changed.join("\n")), "sampling", catalogTable)).toEqual([
      "README table of sampling strategies (under ## Strategies) has the row: | `sc@N`, `maj@N`  |       | a new vote |; the catalog's is: | `sc@N`, `maj@N`  |       | a vote     |",
    ]);
    const extra = [...lines, "| `gone@N`         |       | removed    |"].join("\n");
    expect(strategyTableDifferences(readmeWith(extra), "sampling", catalogTable)).toEqual([
      "README table of sampling strategies (under ## Strategies) has a row the catalog lacks: | `gone@N`         |       | removed    |",
    ]);
    const swapped = [...lines.slice(0, 2), lines[3]!, lines[2]!, ...lines.slice(4)].join("\n");
    expect(strategyTableDifferences(readmeWith(swapped), "sampling", catalogTable)).toEqual([
      "README table of sampling strategies (under ## Strategies) lists its rows in the order `sc@N`, `greedy`, `pair@N`, `bon@N`; the catalog's order is `greedy`, `sc@N`, `pair@N`, `bon@N`",
    ]);
  });

  it("says when only the alignment differs, and when a new row widens the columns", () => {
    const narrow = lines.map((line) => line.replace(/ +\|/g, " |")).join("\n");
    const [alignment] = strategyTableDifferences(readmeWith(narrow), "sampling", catalogTable);
    expect(alignment).toBe(
      `README table of sampling strategies (under ## Strategies) has the catalog's rows, aligned otherwise; the catalog's table is:\n${catalogTable}`,
    );
    // The catalog's new row widens the spec column, so every row of its table is padded anew.
    const wider = (line: string) =>
      line.replace(
        /^\| (\S[^|]*?|-+) +\|/,
        (_, cell) => `| ${cell.padEnd(24, cell.startsWith("-") ? "-" : " ")} |`,
      );
    const widened = [...lines.map(wider), "| `a-much-longer-form@N`   |       | wider      |"].join("\n");
    expect(strategyTableDifferences(readmeWith(catalogTable), "sampling", widened)).toEqual([
      "README table of sampling strategies (under ## Strategies) lacks the row: | `a-much-longer-form@N`   |       | wider      | (after the row of `bon@N`)",
      'README table of sampling strategies (under ## Strategies) has columns of other widths than the catalog\'s: the rows above are aligned as strategyCatalogMarkdown("sampling") prints the whole table',
    ]);
  });

  it("names the heading and header of a table the README lacks", () => {
    expect(strategyTableDifferences(readmeWith(""), "sampling", catalogTable)).toEqual([
      `README has no table of sampling strategies under ## Strategies, with the header: ${lines[0]}`,
    ]);
    expect(strategyTableDifferences("# mull\n", "routing", catalogTable)).toEqual([
      'README has no "## Routing" heading for the table of routing strategies',
    ]);
  });
});
