import type { TopLevelSpec } from "vega-lite";
import type { ConfidenceReliability } from "../bench/metrics/index.ts";
import { shareEncoding } from "./strategy-color-scale.ts";

/** One drawn bin of a reliability diagram. */
export interface ReliabilityPoint {
  /** The confidence measure the bin belongs to, with its expected calibration error. */
  readonly series: string;
  readonly lower: number;
  readonly upper: number;
  readonly confidence: number;
  readonly accuracy: number;
  readonly count: number;
}

/**
 * A Vega-Lite reliability diagram: for each confidence measure, the accuracy of the candidates in each
 * non-empty confidence bin against their mean confidence, joined by a line, points sized by how many
 * candidates the bin holds; the dashed diagonal is perfect calibration. Marks are named `diagonal`,
 * `curves` and `bins` (one point per non-empty bin).
 *
 * @example
 * const { spec, points } = reliabilitySpec(confidenceCalibration(run)!.reliability);
 */
export function reliabilitySpec(reliability: readonly ConfidenceReliability[]): {
  spec: TopLevelSpec;
  points: ReliabilityPoint[];
} {
  const points = reliability.flatMap((entry) =>
    entry.calibration.bins.flatMap((bin) =>
      bin.count === 0 || bin.confidence === undefined || bin.accuracy === undefined
        ? []
        : [
            {
              series: `${entry.confidence} (ECE ${entry.calibration.expectedCalibrationError.toFixed(3)})`,
              lower: bin.lower,
              upper: bin.upper,
              confidence: bin.confidence,
              accuracy: bin.accuracy,
              count: bin.count,
            },
          ],
    ),
  );
  const series = [...new Set(points.map((point) => point.series))];
  // Every 20%: at 10% steps the labels of a 360 px axis touch ("90%100%").
  const x = {
    ...shareEncoding("confidence", "mean confidence in the bin"),
    axis: { format: ".0%", values: [0, 0.2, 0.4, 0.6, 0.8, 1] },
  };
  const y = shareEncoding("accuracy", "accuracy in the bin");
  const color = {
    field: "series",
    type: "nominal" as const,
    title: "confidence",
    sort: series,
    legend: { labelLimit: 400 },
  };
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 360,
    height: 360,
    layer: [
      {
        name: "diagonal",
        data: {
          values: [
            { confidence: 0, accuracy: 0 },
            { confidence: 1, accuracy: 1 },
          ],
        },
        mark: { type: "line", strokeDash: [4, 4], color: "#9aa0a6" },
        encoding: { x, y },
      },
      {
        name: "curves",
        data: { values: points },
        mark: { type: "line" },
        encoding: { x, y, color },
      },
      {
        name: "bins",
        data: { values: points },
        mark: { type: "point", filled: true },
        encoding: {
          x,
          y,
          color,
          size: { field: "count", type: "quantitative", title: "candidates", scale: { range: [20, 300] } },
          tooltip: [
            { field: "series", type: "nominal", title: "confidence" },
            { field: "lower", type: "quantitative", title: "bin from", format: ".1f" },
            { field: "upper", type: "quantitative", title: "bin to", format: ".1f" },
            { field: "confidence", type: "quantitative", title: "mean confidence", format: ".1%" },
            { field: "accuracy", type: "quantitative", format: ".1%" },
            { field: "count", type: "quantitative", title: "candidates" },
          ],
        },
      },
    ],
  };
  return { spec, points };
}
