import { describe, expect, it } from "vitest";
import { problemSeed } from "./problem-seed.ts";

describe("problemSeed", () => {
  it("is a function of (run seed, problem, strategy) only, in [0, 2^31)", () => {
    const seed = problemSeed(1, "p1", "sc@8");
    expect(problemSeed(1, "p1", "sc@8")).toBe(seed);
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
    const others = [problemSeed(2, "p1", "sc@8"), problemSeed(1, "p2", "sc@8"), problemSeed(1, "p1", "sc@4")];
    for (const other of others) expect(other).not.toBe(seed);
  });

  it("does not confuse ids that concatenate alike", () => {
    expect(problemSeed(1, "a", "bc")).not.toBe(problemSeed(1, "ab", "c"));
    expect(problemSeed(12, "3", "x")).not.toBe(problemSeed(1, "23", "x"));
  });

  it("spreads seeds evenly over 1000 problems", () => {
    const seeds = Array.from({ length: 1000 }, (_, index) => problemSeed(0, `p${index}`, "sc@8"));
    expect(new Set(seeds).size).toBe(1000);
    const lowHalf = seeds.filter((seed) => seed < 2 ** 30).length;
    expect(lowHalf).toBeGreaterThan(440);
    expect(lowHalf).toBeLessThan(560);
  });
});
