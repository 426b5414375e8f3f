import { describe, expect, it } from "vitest";
import { completionSeed } from "./completion-seed.ts";

describe("completionSeed", () => {
  it("keeps the request's seed for the first completion", () => {
    expect(completionSeed(42, 0)).toBe(42);
    expect(completionSeed(2 ** 32 + 5, 0)).toBe(5);
    expect(completionSeed(-1, 0)).toBe(2 ** 32 - 1);
  });

  it("gives distinct 32-bit seeds that do not overlap between neighbouring request seeds", () => {
    const seeds = new Set<number>();
    for (let seed = 0; seed < 20; seed += 1) {
      for (let index = 0; index < 50; index += 1) seeds.add(completionSeed(seed, index));
    }
    expect(seeds.size).toBe(20 * 50);
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
  });
});
