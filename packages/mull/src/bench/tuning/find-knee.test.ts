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
        saturation: "saturated",
        concurrency: 4,
        throughput: 360,
        bestThroughput: 400,
        bestConcurrency: 16,
        highestConcurrency: 32,
        lastStepGrowth: 395 / 400,
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
      level(8, 310, 160, { n: 4 }),
    ];
    const knees = findKnees(levels);
    expect(knees.map((knee) => [knee.n, knee.measure, knee.concurrency])).toEqual([
      [1, "completions", 2],
      [4, "tokens", 4],
    ]);
    expect(knees[0]?.latencyGrowth).toBe(2);
  });

  it("finds no knee when throughput still rises into the highest concurrency, the knee beyond the sweep", () => {
    // The reproduced sweep: 3362 → 3908 tok/s from 4 to 8, ×1.16, more than the 1 / 0.9 a knee allows.
    const rising = [level(1, 1100, 40), level(2, 2000, 44), level(4, 3362, 50), level(8, 3908, 80)];
    expect(findKnees(rising)).toEqual([
      {
        n: 1,
        measure: "tokens",
        saturation: "rising",
        concurrency: null,
        throughput: null,
        bestThroughput: 3908,
        bestConcurrency: 8,
        highestConcurrency: 8,
        lastStepGrowth: 3908 / 3362,
        latencyGrowth: null,
        throughputGrowth: null,
      },
    ]);
    // A rise within the fraction's margin at the last step is saturation: the knee is the level below.
    const flattening = [level(1, 1100, 40), level(2, 2000, 44), level(4, 3600, 50), level(8, 3908, 80)];
    expect(findKnees(flattening)[0]).toMatchObject({ saturation: "saturated", concurrency: 4 });
    // A looser fraction finds the same rising curve's knee below its highest level.
    expect(findKnees(rising, { fraction: 0.8 })[0]).toMatchObject({
      saturation: "saturated",
      concurrency: 4,
    });
  });

  it("finds no knee from one concurrency, however many levels it was measured at", () => {
    for (const curve of [[level(2, 500, 40)], [level(2, 500, 40), level(2, 520, 41)]]) {
      expect(findKnees(curve)[0]).toMatchObject({
        saturation: "one-level",
        concurrency: null,
        throughput: null,
        bestThroughput: curve.length === 1 ? 500 : 520,
        highestConcurrency: 2,
        lastStepGrowth: null,
        latencyGrowth: null,
        throughputGrowth: null,
      });
    }
  });

  it("judges each n's curve on its own", () => {
    const levels = [
      level(1, 100, 10),
      level(2, 300, 10),
      level(1, 100, 10, { n: 4 }),
      level(2, 100, 12, { n: 4 }),
    ];
    expect(findKnees(levels).map((knee) => [knee.n, knee.saturation, knee.concurrency])).toEqual([
      [1, "rising", null],
      [4, "saturated", 1],
    ]);
  });

  it("refuses a fraction outside (0, 1]", () => {
    expect(() => findKnees(saturating, { fraction: 0 })).toThrow(/findKnees: fraction must be .*got 0/);
    expect(() => findKnees(saturating, { fraction: 1.5 })).toThrow(/got 1.5/);
  });
});
