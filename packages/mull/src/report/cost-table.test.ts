import { describe, expect, it } from "vitest";
import { type StrategySummary, summarizeDistribution } from "../bench/metrics/index.ts";
import { costTable } from "./cost-table.ts";

/** A strategy's summary over ten problems, whose latencies are `latencies`. */
function summaryOf(latencies: readonly number[]): StrategySummary {
  const ones = summarizeDistribution(latencies.map(() => 1));
  return {
    strategy: "sc@4",
    series: "sc@N",
    counterpart: undefined,
    accuracy: {
      accuracy: 0.5,
      lower: 0.2,
      upper: 0.8,
      confidence: 0.95,
      resamples: 1000,
      method: "bootstrap",
      count: latencies.length,
    },
    correct: 5,
    answered: latencies.length,
    usage: {
      problems: latencies.length,
      promptTokens: undefined,
      completionTokens: undefined,
      totalTokens: undefined,
      calls: ones,
      scoreCalls: ones,
      samples: ones,
      latencyMilliseconds: summarizeDistribution(latencies),
    },
    verifier: undefined,
  };
}

/** The cells of the table's body, by row. */
function cellsOf(html: string): string[][] {
  const body = html.slice(html.indexOf("<tbody>"));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => cell[1]!),
  );
}

describe("costTable", () => {
  it("shows the latency's median and its 90th percentile (linear interpolation) in their own columns", () => {
    const html = costTable([summaryOf([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])], undefined);
    const [row] = cellsOf(html);
    // Type 7 quantile: position 9 × 0.9 = 8.1, between 90 and 100 → 91; the median is 55.
    expect(row?.slice(-3, -1)).toEqual(["55", "91"]);
  });
});
