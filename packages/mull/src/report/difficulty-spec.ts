import type { TopLevelSpec } from "vega-lite";
import type { DifficultyAccuracy } from "../bench/metrics/index.ts";
import { shareEncoding, strategyColorEncoding } from "./strategy-color-scale.ts";

/**
 * A Vega-Lite grouped bar chart of accuracy by difficulty: one group per difficulty (in the given
 * order), one bar per strategy, coloured as in `strategies`. The bar mark is named `bars`.
 *
 * @example
 * const spec = difficultySpec(accuracyByDifficulty(run));
 */
export function difficultySpec(
  rows: readonly DifficultyAccuracy[],
  strategies: readonly string[] = [...new Set(rows.map((row) => row.strategy))],
): TopLevelSpec {
  const difficulties = [...new Set(rows.map((row) => row.difficulty))];
  const drawn = strategies.filter((strategy) => rows.some((row) => row.strategy === strategy));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    // With an xOffset channel the step is the width of one bar, not of one difficulty group.
    width: { step: 22 },
    height: 300,
    data: { values: rows },
    layer: [{ name: "bars", mark: { type: "bar" } }],
    encoding: {
      x: {
        field: "difficulty",
        type: "nominal",
        title: "difficulty",
        sort: difficulties,
        axis: { labelAngle: 0 },
      },
      xOffset: { field: "strategy", type: "nominal", sort: drawn },
      y: shareEncoding("accuracy", "accuracy"),
      color: strategyColorEncoding(strategies, drawn),
      tooltip: [
        { field: "strategy", type: "nominal" },
        { field: "difficulty", type: "nominal" },
        { field: "accuracy", type: "quantitative", format: ".1%" },
        { field: "correct", type: "quantitative", title: "solved" },
        { field: "problems", type: "quantitative" },
      ],
    },
  };
}
