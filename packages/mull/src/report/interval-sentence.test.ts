import { describe, expect, it } from "vitest";
import type { AccuracyEstimate, StrategySummary } from "../bench/metrics/index.ts";
import { intervalSentence } from "./interval-sentence.ts";

function summary(strategy: string, method: AccuracyEstimate["method"]): StrategySummary {
  const accuracy = {
    accuracy: 1,
    lower: 0.75,
    upper: 1,
    confidence: 0.95,
    resamples: 2000,
    method,
    count: 12,
  };
  return { strategy, accuracy } as StrategySummary;
}

describe("intervalSentence", () => {
  it("names the bootstrap and its resamples, and the strategies whose interval is Wilson's", () => {
    expect(intervalSentence([summary("sc@8", "bootstrap")])).toBe(
      "Accuracy intervals are 95% percentile bootstrap intervals over the problems (2,000 resamples).",
    );
    expect(
      intervalSentence([
        summary("greedy", "wilson"),
        summary("sc@8", "bootstrap"),
        summary("pf@8", "wilson"),
      ]),
    ).toBe(
      "Accuracy intervals are 95% percentile bootstrap intervals over the problems (2,000 resamples), except for greedy, pf@8: " +
        "their bootstrap collapsed to a point or left out the accuracy, as it does when every problem had the same outcome " +
        "(all right, or all wrong), so theirs are 95% Wilson score intervals (marked Wilson in the cost table).",
    );
  });

  it("says every interval is Wilson's when no bootstrap held, and nothing without strategies", () => {
    expect(intervalSentence([summary("greedy", "wilson")])).toBe(
      "Accuracy intervals are 95% Wilson score intervals: every strategy's percentile bootstrap over the problems " +
        "collapsed to a point or left out its accuracy, as it does when every problem had the same outcome (all right, or all wrong).",
    );
    expect(intervalSentence([])).toBe("");
  });
});
