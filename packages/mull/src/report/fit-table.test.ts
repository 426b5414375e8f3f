import { describe, expect, it } from "vitest";
import type { StrategyCoverage } from "../bench/metrics/index.ts";
import { fitTable } from "./fit-table.ts";

/** A coverage curve of `strategy` up to k = `maxK`, with no fit. */
function curveOf(strategy: string, maxK: number): StrategyCoverage {
  return {
    strategy,
    problems: 3,
    maxK,
    mostSamples: maxK,
    points: Array.from({ length: maxK }, (_, index) => ({ k: index + 1, coverage: 0.5 })),
    fit: undefined,
  };
}

describe("fitTable", () => {
  it("gives a row to each curve of two or more samples per problem, and none to a single sample's", () => {
    const html = fitTable([curveOf("greedy", 1), curveOf("sc@2", 2)]);
    expect(html).toContain(">sc@2</th>");
    expect(html).not.toContain("greedy");
  });
});
