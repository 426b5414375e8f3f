import { describe, expect, it } from "vitest";
import { createBanditRouter } from "./bandit-router.ts";

describe("createBanditRouter record without a counted pull", () => {
  it("counts an outcome recorded without choose() as a pull", () => {
    const router = createBanditRouter({ arms: ["a", "b"], policy: "ucb" });
    router.record("a", { reward: 1, cost: 2 });
    const [a, b] = router.arms();
    expect(a).toEqual({ name: "a", pulls: 1, observations: 1, meanReward: 1, meanCost: 2 });
    expect(b?.pulls).toBe(0);
  });
});
