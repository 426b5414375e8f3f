import { describe, expect, it } from "vitest";
import type { StrategyCoverage } from "../bench/metrics/index.ts";
import { coverageNotes } from "./coverage-notes.ts";

function curve(strategy: string, maxK: number, mostSamples: number): StrategyCoverage {
  return { strategy, problems: 12, maxK, mostSamples, points: [], fit: undefined };
}

describe("coverageNotes", () => {
  it("names each strategy left out with why, and each curve cut short at its fewest samples", () => {
    const curves = [
      curve("greedy", 1, 1),
      curve("sc@8", 8, 8),
      curve("asc@16", 4, 16),
      curve("mass@16", 1, 16),
    ];
    expect(coverageNotes(curves, ["greedy", "sc@8", "asc@16", "mass@16", "pf@8"])).toBe(
      "Left out, as a curve needs 2 or more samples on every problem: greedy (1 sample on every problem), " +
        "mass@16 (1 to 16 samples a problem), pf@8 (no samples recorded). " +
        "Each curve runs only up to its strategy's fewest samples on any problem, since pass@k is estimated from " +
        "a problem's samples only for k up to their number: asc@16 drew 4 to 16, so stops at k = 4.",
    );
  });

  it("says nothing when every strategy is drawn to its full sample count", () => {
    expect(coverageNotes([curve("sc@4", 4, 4), curve("sc@8", 8, 8)], ["sc@4", "sc@8"])).toBe("");
  });
});
