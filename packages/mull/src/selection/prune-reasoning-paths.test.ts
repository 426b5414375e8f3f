import { describe, expect, it } from "vitest";
import { pruneReasoningPaths } from "./prune-reasoning-paths.ts";

describe("pruneReasoningPaths", () => {
  it("drops a path far less likely than the rest", () => {
    expect(pruneReasoningPaths([-0.3, -0.4, -0.35, -2.5])).toEqual([true, true, true, false]);
  });

  it("keeps every path when all are equally likely, and a single path", () => {
    expect(pruneReasoningPaths([-0.7, -0.7, -0.7])).toEqual([true, true, true]);
    expect(pruneReasoningPaths([-9])).toEqual([true]);
    expect(pruneReasoningPaths([])).toEqual([]);
  });

  it("keeps the whole low cluster's members that are above the mean", () => {
    // Two clusters, {1, 0.9} and {0.5, 0.45, 0.4}: the mean (0.65) is above the low cluster, so it all goes.
    const logprobs = [1, 0.9, 0.5, 0.45, 0.4].map(Math.log);
    expect(pruneReasoningPaths(logprobs)).toEqual([true, true, false, false, false]);
  });

  it("keeps a low-cluster path that is above the mean probability", () => {
    // Probabilities 1, 0.4 and eight of e^-50: Otsu puts 0.4 in the low cluster with the eight, but the
    // mean is about 0.14, so 0.4 keeps its vote; only the eight near-zero paths go.
    const logprobs = [0, Math.log(0.4), ...Array.from({ length: 8 }, () => -50)];
    expect(pruneReasoningPaths(logprobs)).toEqual([true, true, ...Array.from({ length: 8 }, () => false)]);
  });

  it("keeps a path whose probability is exactly the mean", () => {
    // Probabilities 1, 0.5, 0.25, 0.25: the mean is 0.5, and the 0.5 path keeps its vote.
    expect(pruneReasoningPaths([0, -Math.log(2), -Math.log(4), -Math.log(4)])).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("compares log-probabilities far below the float range by their ratios", () => {
    expect(pruneReasoningPaths([-2000.3, -2000.4, -2000.35, -2002.5])).toEqual([true, true, true, false]);
  });
});
