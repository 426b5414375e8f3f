import { describe, expect, it } from "vitest";
import { labProcessReward } from "./lab-process-reward.ts";

describe("labProcessReward", () => {
  it("rewards each correct step 1 and each wrong one 0, for every solution, with no calls", async () => {
    const prm = labProcessReward();
    const { results, calls } = await prm.score({ question: "12+7-3=?" }, [
      ["12+7=19", "19-3=16", "#### 16"],
      ["12+7=18", "18-3=15"],
      [],
    ]);
    expect(calls).toBe(0);
    expect(results.map((result) => result.rewards)).toEqual([[1, 1, 1], [0, 0], []]);
  });
});
