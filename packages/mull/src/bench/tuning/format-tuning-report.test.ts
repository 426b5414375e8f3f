import { describe, expect, it } from "vitest";
import { findKnees } from "./find-knee.ts";
import { formatTuningReport } from "./format-tuning-report.ts";
import type { RequestMeasurement } from "./run-load-level.ts";
import { summarizeLoadLevel } from "./summarize-load-level.ts";

const answered: RequestMeasurement = {
  latencyMilliseconds: 100,
  firstTokenMilliseconds: undefined,
  completionTokens: 20,
  completions: 1,
  error: undefined,
};

const refused: RequestMeasurement = {
  latencyMilliseconds: 5,
  firstTokenMilliseconds: undefined,
  completionTokens: undefined,
  completions: 0,
  error: "status 400 Bad Request: max_tokens must be at most 32768",
};

describe("formatTuningReport", () => {
  it("shows a level whose every request failed as failed, with no figures, not as a measured zero", () => {
    const measuredLevel = summarizeLoadLevel([answered, answered, refused], 1000, { concurrency: 1, n: 1 });
    const failedLevel = summarizeLoadLevel([refused, refused, refused], 1000, { concurrency: 2, n: 1 });
    // The summary's own figures for a failed level are zeros and NaN: the table must not print them.
    expect(failedLevel.tokensPerSecond).toBe(0);
    const text = formatTuningReport({
      levels: [measuredLevel, failedLevel],
      knees: [],
      fraction: 0.9,
      plannedLevels: 2,
      interrupted: false,
    });
    const [header, measured, failed, , firstError] = text.split("\n");
    expect(header).toMatch(
      /^n\s+conc\s+requests\s+errors\s+tok\/s\s+req\/s\s+p50 ms\s+p90 ms\s+p99 ms\s+ttft p50$/,
    );
    // 40 tokens and 2 requests over one second, one error.
    expect(measured).toMatch(/^1\s+1\s+3\s+1\s+40\.0\s+2\.00\s+100\s+100\s+100\s+-$/);
    expect(failed).toMatch(/^1\s+2\s+3\s+3\s+failed\s+-\s+-\s+-\s+-\s+-$/);
    expect(firstError).toBe(
      "first error (n=1, concurrency 1): status 400 Bad Request: max_tokens must be at most 32768",
    );
  });

  const sweep = (concurrency: number, latency: number) =>
    summarizeLoadLevel([{ ...answered, latencyMilliseconds: latency }], 1000, { concurrency, n: 1 });

  it("says a curve still rising at its highest level has no knee within the sweep, and marks no row", () => {
    const levels = [sweep(1, 100), { ...sweep(2, 150), tokensPerSecond: 30 }];
    const report = { levels, fraction: 0.9, plannedLevels: 2, interrupted: false };
    const text = formatTuningReport({ ...report, knees: findKnees(levels) });
    expect(text).not.toContain("*");
    expect(text).toContain(
      "knee n=1: none within the sweep (throughput still rising at concurrency 2, 30.0 tok/s, ×1.50 of the level below: try higher levels)\n",
    );
    const single = formatTuningReport({
      ...report,
      levels: [sweep(2, 100)],
      knees: findKnees([sweep(2, 100)]),
    });
    expect(single).toContain(
      "knee n=1: none, one level only (concurrency 2, 20.0 tok/s): sweep several concurrencies to find it\n",
    );
    expect(single).not.toContain("*");
  });

  it("marks the knee's row and says what lies beyond it", () => {
    const levels = [sweep(1, 100), sweep(2, 300)];
    const text = formatTuningReport({
      levels,
      knees: findKnees(levels),
      fraction: 0.9,
      plannedLevels: 2,
      interrupted: false,
    });
    expect(text).toMatch(/^1\s+1\*\s/m);
    expect(text).toContain(
      "knee n=1: concurrency 1 reaches 20.0 tok/s, 90% or more of the best 20.0 (at 1); at 2 throughput is ×1.00 and median latency ×3.00 of the knee's\n",
    );
  });

  it("says how many of the planned levels an interrupted sweep finished", () => {
    const levels = [sweep(1, 100)];
    const text = formatTuningReport({
      levels,
      knees: findKnees(levels),
      fraction: 0.9,
      plannedLevels: 4,
      interrupted: true,
    });
    expect(text.trimEnd().split("\n").at(-1)).toBe("interrupted after 1 of 4 levels: the table is partial");
    expect(
      formatTuningReport({ levels, knees: [], fraction: 0.9, plannedLevels: 1, interrupted: false }),
    ).not.toContain("interrupted");
  });
});
