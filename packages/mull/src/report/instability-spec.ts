import type { TopLevelSpec } from "vega-lite";
import { type InstabilityBucket, peakDigits } from "../bench/metrics/index.ts";
import { shareEncoding } from "./strategy-color-scale.ts";

/**
 * A Vega-Lite line chart of accuracy by peak-instability bucket: one point per bucket at its candidates'
 * mean peak instability, joined in order from the steadiest. Marks are named `line` and `buckets`.
 *
 * @example
 * const spec = instabilitySpec(confidenceCalibration(run)!.instability);
 */
export function instabilitySpec(buckets: readonly InstabilityBucket[]): TopLevelSpec {
  const x = {
    field: "meanPeak",
    type: "quantitative" as const,
    title: "mean peak instability of the bucket",
    scale: { zero: false },
  };
  const y = shareEncoding("accuracy", "accuracy");
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 420,
    height: 260,
    data: { values: buckets },
    layer: [
      { name: "line", mark: { type: "line", color: "#4c78a8" }, encoding: { x, y } },
      {
        name: "buckets",
        mark: { type: "point", filled: true, size: 70, color: "#4c78a8" },
        encoding: {
          x,
          y,
          tooltip: [
            { field: "bucket", type: "ordinal" },
            { field: "lowerPeak", type: "quantitative", title: "peak from", format: `.${peakDigits}r` },
            { field: "upperPeak", type: "quantitative", title: "peak to", format: `.${peakDigits}r` },
            { field: "candidates", type: "quantitative" },
            { field: "accuracy", type: "quantitative", format: ".1%" },
          ],
        },
      },
    ],
  };
}
