import { describe, expect, it } from "vitest";
import { findKnees } from "./find-knee.ts";
import type { LoadLevelSummary } from "./summarize-load-level.ts";

function level(
  concurrency: number,
  tokensPerSecond: number | undefined,
  p50: number,
  options: { n?: number; completionsPerSecond?: number } = {},
): LoadLevelSummary {
  return {
    concurrency,
    n: options.n ?? 1,
    requests: 32,
    errors: 0,
    wallMilliseconds: 1000,
    completionTokens: tokensPerSecond,
    tokensPerSecond,
    requestsPerSecond: 1,
    completionsPerSecond: options.completionsPerSecond ?? 1,
    latency: { p50, p90: p50, p99: p50 },
    firstToken: undefined,
    firstError: undefined,
  };
}

describe("findKnees", () => {
  // A server that saturates at 4: throughput 100, 190, 360, 390, 400, 395; latency keeps growing.
  const saturating = [
    level(1, 100, 50),
    level(2, 190, 52),
    level(4, 360, 55),
    level(8, 390, 100),
    level(16, 400, 200),
    level(32, 395, 400),
  ];

  it("finds the smallest concurrency within 90% of the best throughput and the latency growth beyond it", () => {
    expect(findKnees(saturating)).toEqual([
      {
        n: 1,
        measure: "tokens",
        concurrency: 4,
        throughput: 360,
        bestThroughput: 400,
        bestConcurrency: 16,
        highestConcurrency: 32,
        latencyGrowth: 400 / 55,
        throughputGrowth: 395 / 360,
      },
    ]);
  });

  it("moves the knee with the fraction", () => {
    expect(findKnees(saturating, { fraction: 0.95 })[0]?.concurrency).toBe(8);
    expect(findKnees(saturating, { fraction: 0.4 })[0]?.concurrency).toBe(2);
    expect(findKnees(saturating, { fraction: 1 })[0]?.concurrency).toBe(16);
  });

  it("finds one knee per n, and falls back on completions per second without token counts", () => {
    const levels = [
      level(4, 300, 80, { n: 4 }),
      level(1, undefined, 10, { completionsPerSecond: 10 }),
      level(2, undefined, 10, { completionsPerSecond: 20 }),
      level(4, undefined, 20, { completionsPerSecond: 21 }),
      level(1, 200, 40, { n: 4 }),
    ];
    const knees = findKnees(levels);
    expect(knees.map((knee) => [knee.n, knee.measure, knee.concurrency])).toEqual([
      [1, "completions", 2],
      [4, "tokens", 4],
    ]);
    expect(knees[0]?.latencyGrowth).toBe(2);
  });

  it("refuses a fraction outside (0, 1]", () => {
    expect(() => findKnees(saturating, { fraction: 0 })).toThrow(/findKnees: fraction must be .*got 0/);
    expect(() => findKnees(saturating, { fraction: 1.5 })).toThrow(/got 1.5/);
  });
});
