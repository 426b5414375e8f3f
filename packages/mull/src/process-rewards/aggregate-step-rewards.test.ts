import { describe, expect, it } from "vitest";
import { seededRng } from "../runtime/index.ts";
import { aggregateStepRewards } from "./aggregate-step-rewards.ts";

describe("aggregateStepRewards", () => {
  it("takes the last, the minimum, the product or the mean", () => {
    const rewards = [0.9, 0.5, 0.8];
    expect(aggregateStepRewards(rewards, "last")).toBe(0.8);
    expect(aggregateStepRewards(rewards, "min")).toBe(0.5);
    expect(aggregateStepRewards(rewards, "product")).toBeCloseTo(0.36, 12);
    expect(aggregateStepRewards(rewards, "mean")).toBeCloseTo(2.2 / 3, 12);
    expect(aggregateStepRewards([], "min")).toBe(1);
    expect(() => aggregateStepRewards(rewards, "max" as never)).toThrow(/unknown step aggregation/);
  });

  it("orders as expected on random rewards: product ≤ min ≤ mean, all in [0, 1]", () => {
    const rng = seededRng(8);
    for (let trial = 0; trial < 200; trial += 1) {
      const rewards = Array.from({ length: 1 + Math.floor(rng.next() * 8) }, () => rng.next());
      const product = aggregateStepRewards(rewards, "product");
      const minimum = aggregateStepRewards(rewards, "min");
      const mean = aggregateStepRewards(rewards, "mean");
      expect(product).toBeLessThanOrEqual(minimum + 1e-12);
      expect(minimum).toBeLessThanOrEqual(mean + 1e-12);
      for (const value of [product, minimum, mean, aggregateStepRewards(rewards, "last")]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
  });
});
