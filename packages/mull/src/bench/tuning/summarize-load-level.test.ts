import { describe, expect, it } from "vitest";
import type { RequestMeasurement } from "./run-load-level.ts";
import { summarizeLoadLevel } from "./summarize-load-level.ts";

function ok(
  latencyMilliseconds: number,
  completionTokens: number | undefined,
  completions = 1,
): RequestMeasurement {
  return {
    latencyMilliseconds,
    firstTokenMilliseconds: undefined,
    completionTokens,
    completions,
    error: undefined,
  };
}

describe("summarizeLoadLevel", () => {
  it("divides tokens, requests and completions by the wall time and interpolates latency percentiles", () => {
    const measurements = [ok(100, 10, 2), ok(300, 30, 2), ok(200, 20, 2), ok(400, 40, 2)];
    const summary = summarizeLoadLevel(measurements, 2000, { concurrency: 2, n: 2 });
    expect(summary).toEqual({
      concurrency: 2,
      n: 2,
      requests: 4,
      errors: 0,
      wallMilliseconds: 2000,
      completionTokens: 100,
      tokensPerSecond: 50,
      requestsPerSecond: 2,
      completionsPerSecond: 4,
      // Sorted 100, 200, 300, 400: p50 at position 1.5, p90 at 2.7, p99 at 2.97.
      latency: { p50: 250, p90: 370, p99: 397 },
      firstToken: undefined,
      firstError: undefined,
    });
  });

  it("leaves failed requests out of throughput and latency, and keeps the first failure's message", () => {
    const failed: RequestMeasurement = {
      latencyMilliseconds: 5,
      firstTokenMilliseconds: undefined,
      completionTokens: undefined,
      completions: 0,
      error: "server overloaded",
    };
    const streamed: RequestMeasurement = { ...ok(100, 8), firstTokenMilliseconds: 20 };
    const summary = summarizeLoadLevel([failed, streamed, ok(300, 12)], 1000, { concurrency: 1, n: 1 });
    expect(summary.errors).toBe(1);
    expect(summary.completionTokens).toBe(20);
    expect(summary.tokensPerSecond).toBe(20);
    expect(summary.requestsPerSecond).toBe(2);
    expect(summary.latency.p50).toBe(200);
    expect(summary.firstToken).toEqual({ p50: 20, p90: 20, p99: 20 });
    expect(summary.firstError).toBe("server overloaded");
  });

  it("has unknown token throughput when a successful request's tokens went unreported", () => {
    const summary = summarizeLoadLevel([ok(100, 10), ok(100, undefined)], 1000, { concurrency: 1, n: 1 });
    expect(summary.completionTokens).toBeUndefined();
    expect(summary.tokensPerSecond).toBeUndefined();
    expect(summary.completionsPerSecond).toBe(2);
  });
});
