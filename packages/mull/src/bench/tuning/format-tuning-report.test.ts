import { describe, expect, it } from "vitest";
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
    const text = formatTuningReport({ levels: [measuredLevel, failedLevel], knees: [], fraction: 0.9 });
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
});
