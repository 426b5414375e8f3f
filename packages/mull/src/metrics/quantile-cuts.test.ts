import { describe, expect, it } from "vitest";
import { quantileCuts } from "./quantile-cuts.ts";

describe("quantileCuts", () => {
  it("cuts distinct keys into equal shares", () => {
    expect(quantileCuts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it("moves a cut to the nearer end of a tie, and to the far end where the near one empties a bucket", () => {
    // The share after the third key falls in a tie of 2: its nearer end is after the tie, then before it.
    expect(quantileCuts([1, 2, 2, 2, 3, 4], 2)).toEqual([0, 4, 6]);
    expect(quantileCuts([1, 1, 2, 2, 2, 3], 2)).toEqual([0, 2, 6]);
    // The share falls after 2, 2 of the leading tie: the near end (0) would empty the first bucket.
    expect(quantileCuts([2, 2, 2, 3], 2)).toEqual([0, 3, 4]);
  });

  it("drops cuts that meet, leaving fewer buckets where a tie spans a share", () => {
    expect(quantileCuts([0.1, 0.2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.9, 1], 5)).toEqual([0, 2, 8, 10]);
    expect(quantileCuts([7, 7, 7], 3)).toEqual([0, 3]);
    expect(quantileCuts([], 5)).toEqual([0]);
  });
});
