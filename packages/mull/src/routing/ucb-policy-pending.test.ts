import { describe, expect, it } from "vitest";
import { createBanditRouter } from "./bandit-router.ts";

describe("ucbPolicy with pulls waiting for their outcome", () => {
  it("takes a pulled but unobserved arm as optimistically as reward 1", () => {
    const router = createBanditRouter({ arms: ["a", "b"], policy: "ucb" });
    expect([router.choose(), router.choose()]).toEqual(["a", "b"]);
    // Both arms pulled once, so their bonuses are equal: a's pending pull (taken as 1) beats b's 0.5.
    router.record("b", { reward: 0.5, cost: 0 });
    expect(router.choose()).toBe("a");
  });

  it("pulls first an arm whose only pull was released, even the first arm", () => {
    const router = createBanditRouter({ arms: ["a", "b"], policy: "ucb" });
    expect([router.choose(), router.choose()]).toEqual(["a", "b"]);
    router.release("a");
    expect(router.arms().map((arm) => arm.pulls)).toEqual([0, 1]);
    expect(router.choose()).toBe("a");
  });
});
