import type { TopLevelSpec } from "vega-lite";
import { fittedCoverage, type StrategyCoverage } from "../bench/metrics/index.ts";
import { shareEncoding, strategyColorEncoding, strategyShapeEncoding } from "./strategy-color-scale.ts";

/** One value of the coverage plot: a measured pass@k or a point of the fitted curve. */
export interface CoveragePlotValue {
  readonly strategy: string;
  readonly k: number;
  readonly coverage: number;
  readonly series: "measured" | "fit";
}

/** The coverage plot and what went into it. */
export interface CoveragePlot {
  readonly spec: TopLevelSpec;
  readonly values: readonly CoveragePlotValue[];
  /** Strategies drawn (those with at least 2 samples per problem). */
  readonly strategies: readonly string[];
}

/** Points the fitted curve is drawn through: log-spaced from 1 to maxK. */
function fitKs(maxK: number): number[] {
  const steps = 48;
  return Array.from({ length: steps + 1 }, (_, index) => maxK ** (index / steps));
}

/**
 * A Vega-Lite plot of coverage (pass@k, unbiased estimate averaged over problems) against k on a log₂
 * axis, one colour per strategy: measured points, and the fitted exp(a·k^b) curve dashed. Strategies
 * with fewer than 2 samples per problem have no curve and are left out.
 *
 * Marks are named for inspection: `measured` (points) and `fits` (one dashed line per fitted strategy).
 *
 * @example
 * const { spec } = coverageSpec(strategyCoverage(run));
 */
export function coverageSpec(
  curves: readonly StrategyCoverage[],
  strategies: readonly string[] = curves.map((curve) => curve.strategy),
): CoveragePlot {
  const drawn = curves.filter((curve) => curve.maxK >= 2);
  const values: CoveragePlotValue[] = [];
  for (const curve of drawn) {
    for (const point of curve.points) {
      values.push({ strategy: curve.strategy, k: point.k, coverage: point.coverage, series: "measured" });
    }
    if (curve.fit !== undefined) {
      for (const k of fitKs(curve.maxK)) {
        values.push({ strategy: curve.strategy, k, coverage: fittedCoverage(curve.fit, k), series: "fit" });
      }
    }
  }
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 620,
    height: 340,
    data: { values },
    encoding: {
      x: {
        field: "k",
        type: "quantitative",
        title: "samples k",
        scale: { type: "log", base: 2 },
        axis: { tickMinStep: 1, format: "d" },
      },
      y: shareEncoding("coverage", "coverage (pass@k)"),
      color: {
        ...strategyColorEncoding(
          strategies,
          drawn.map((curve) => curve.strategy),
        ),
      },
    },
    layer: [
      {
        name: "fits",
        transform: [{ filter: "datum.series === 'fit'" }],
        mark: { type: "line", strokeDash: [5, 4], strokeWidth: 1.5 },
        encoding: { order: { field: "k", type: "quantitative" } },
      },
      {
        name: "measured",
        transform: [{ filter: "datum.series === 'measured'" }],
        mark: { type: "point", filled: true, size: 45 },
        encoding: {
          shape: strategyShapeEncoding(
            strategies,
            drawn.map((curve) => curve.strategy),
          ),
          tooltip: [
            { field: "strategy", type: "nominal" },
            { field: "k", type: "quantitative" },
            { field: "coverage", type: "quantitative", format: ".1%", title: "pass@k" },
          ],
        },
      },
    ],
  };
  return { spec, values, strategies: drawn.map((curve) => curve.strategy) };
}
