import type { TopLevelSpec } from "vega-lite";
import type { DifficultyAccuracy } from "../bench/metrics/index.ts";
import { reportContentWidth } from "./report-content-width.ts";
import { shareEncoding, strategyColorEncoding } from "./strategy-color-scale.ts";

/** Pixels between two panels. */
const panelSpacing = 14;
/** The narrowest panel that still reads: below it the panels wrap onto another row. */
const narrowestPanel = 110;
/** The widest panel, so that a run of one or two difficulties gets no bars a page long. */
const widestPanel = 240;
/** Height of one strategy's row in a panel. */
const rowHeight = 18;
/** The longest strategy name shown in full on the axis; longer ones end in "…". */
const labelLimit = 170;
/**
 * Width of a character of the axis labels' 10 px font as Vega estimates it without a browser (0.8 em):
 * wider than a browser draws it, so the chart fits the page in both.
 */
const labelCharacterWidth = 8;
/** Room a panel leaves for its axis ticks, and for the overhang of its last axis label (`100%`). */
const axisAllowance = 24;

/**
 * A Vega-Lite chart of accuracy by difficulty, drawn to fit the report page however many strategies and
 * difficulties a run has: one panel per difficulty (in the given order), side by side and wrapping onto
 * further rows only when they would be narrower than 110 px, each panel a horizontal bar per strategy
 * (coloured as in `strategies`). Every panel names the strategies on its own axis, in the run's order,
 * and draws its own accuracy axis, so a bar is known by its row, not by its colour alone, in whatever
 * rows and columns the panels are drawn (a narrow page draws them in fewer columns). The bar mark is
 * named `bars`.
 *
 * @example
 * const spec = difficultySpec(accuracyByDifficulty(run), strategyOrder(run));
 */
export function difficultySpec(
  rows: readonly DifficultyAccuracy[],
  strategies: readonly string[] = [...new Set(rows.map((row) => row.strategy))],
): TopLevelSpec {
  const difficulties = [...new Set(rows.map((row) => row.difficulty))];
  const drawn = strategies.filter((strategy) => rows.some((row) => row.strategy === strategy));
  for (const row of rows) if (!drawn.includes(row.strategy)) drawn.push(row.strategy);
  const longest = Math.max(0, ...drawn.map((strategy) => strategy.length));
  // Every panel names the strategies on its own axis: each column holds its labels and its bars.
  const labels = Math.min(labelLimit, longest * labelCharacterWidth) + axisAllowance;
  const column = labels + narrowestPanel + axisAllowance + panelSpacing;
  const columns = Math.max(
    1,
    Math.min(difficulties.length, Math.floor((reportContentWidth + panelSpacing) / column)),
  );
  const panelWidth = Math.min(
    widestPanel,
    Math.floor((reportContentWidth - (columns - 1) * panelSpacing) / columns - labels - axisAllowance),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values: rows },
    facet: {
      field: "difficulty",
      type: "nominal",
      sort: difficulties,
      title: "difficulty",
      header: { labelFontSize: 12, labelFontWeight: "bold" },
    },
    columns,
    spacing: { column: panelSpacing, row: 24 },
    // Each panel draws its own axes: panels wrapped onto another row, on the page or as drawn in a narrow
    // window (fewer columns), still name their strategies and show their scale.
    resolve: { axis: { x: "independent", y: "independent" } },
    spec: {
      width: panelWidth,
      height: { step: rowHeight },
      layer: [
        {
          name: "bars",
          mark: { type: "bar" },
          encoding: {
            y: {
              field: "strategy",
              type: "nominal",
              sort: drawn,
              title: null,
              axis: { labelLimit },
            },
            // The panel title names the difficulty and the caption the measure: no axis title repeated per panel.
            x: {
              ...shareEncoding("accuracy", "accuracy"),
              title: null,
              axis: { format: ".0%", values: [0, 0.5, 1] },
            },
            color: { ...strategyColorEncoding(strategies, drawn), legend: null },
            tooltip: [
              { field: "strategy", type: "nominal" },
              { field: "difficulty", type: "nominal" },
              { field: "accuracy", type: "quantitative", format: ".1%" },
              { field: "correct", type: "quantitative", title: "solved" },
              { field: "problems", type: "quantitative" },
            ],
          },
        },
      ],
    },
  };
}
