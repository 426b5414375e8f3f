import { describe, expect, it } from "vitest";
import { groupConfidences } from "./group-confidences.ts";

describe("groupConfidences", () => {
  it("averages every window of consecutive tokens, stride one", () => {
    const round = (values: readonly number[]) => values.map((value) => Number(value.toFixed(12)));
    expect(round(groupConfidences([1, 2, 3, 6, 4], 2))).toEqual([1.5, 2.5, 4.5, 5]);
    expect(round(groupConfidences([1, 2, 3, 6, 4], 3))).toEqual(round([2, 11 / 3, 13 / 3]));
  });

  it("makes a trace shorter than the window one group, and nothing of no tokens", () => {
    expect(groupConfidences([1, 2, 6], 8)).toEqual([3]);
    expect(groupConfidences([], 8)).toEqual([]);
  });
});
