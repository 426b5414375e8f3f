import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { seededRng } from "../runtime/index.ts";
import type { Rng } from "../spec/index.ts";
import { dirichletLeaderProbability, dirichletLeaderRisk } from "./dirichlet-leader-probability.ts";
import { leaderRisk } from "./leader-probability.ts";

/**
 * The risk by simulation: shares drawn from Dirichlet(votes + 1) as normalised Gamma variables (an
 * integer shape s is a sum of s exponentials), counting the draws where the leader's share is not the
 * largest. Returns the estimate and its standard error.
 */
function simulatedRisk(votes: readonly number[], draws: number, rng: Rng): [number, number] {
  const leader = votes.indexOf(Math.max(...votes));
  const gamma = (shape: number) => {
    let sum = 0;
    for (let index = 0; index < shape; index += 1) sum -= Math.log(1 - rng.next());
    return sum;
  };
  let overtaken = 0;
  for (let draw = 0; draw < draws; draw += 1) {
    const values = votes.map((count) => gamma(count + 1));
    if (values.some((value, index) => index !== leader && value > values[leader]!)) overtaken += 1;
  }
  const risk = overtaken / draws;
  return [risk, Math.sqrt((risk * (1 - risk)) / draws)];
}

describe("dirichletLeaderRisk", () => {
  it("with two answers is the Beta rule's risk", () => {
    for (const [leader, runnerUp] of [
      [1, 0],
      [1, 1],
      [4, 0],
      [5, 5],
      [9, 2],
      [30, 29],
      [40, 3],
      [64, 0],
      [200, 150],
    ] as const) {
      const risk = dirichletLeaderRisk([leader, runnerUp]);
      expect(Math.abs(risk - leaderRisk(leader, runnerUp)), `${leader}:${runnerUp}`).toBeLessThan(1e-12);
      expect(dirichletLeaderRisk([runnerUp, leader])).toBeCloseTo(risk, 14);
    }
    // 64 to 0 is 2^-65: still resolved, not rounded to 0.
    expect(dirichletLeaderRisk([64, 0]) / 2 ** -65).toBeCloseTo(1, 6);
    // One answer stands against a rival without votes, as in the Beta rule.
    expect(dirichletLeaderRisk([4])).toBeCloseTo(1 / 32, 14);
    expect(dirichletLeaderProbability([4, 0])).toBeCloseTo(0.96875, 14);
  });

  it("agrees with a seeded simulation of the Dirichlet posterior, two answers or several", () => {
    const rng = seededRng(11);
    for (const votes of [
      [6, 3],
      [5, 3, 3],
      [7, 1, 1, 1, 1],
      [9, 2, 2],
      [4, 4, 1],
      [3, 2, 1, 1, 1, 0],
    ]) {
      const [simulated, error] = simulatedRisk(votes, 40_000, rng);
      expect(Math.abs(dirichletLeaderRisk(votes) - simulated), votes.join()).toBeLessThan(4 * error + 1e-3);
    }
    // With two answers the simulation lands on the Beta rule too.
    const [simulated, error] = simulatedRisk([6, 3], 40_000, rng);
    expect(Math.abs(leaderRisk(6, 3) - simulated)).toBeLessThan(4 * error);
  });

  it("is more conservative than the Beta rule once rivals split the other votes", () => {
    // The Beta rule sees 5 to 3; two rivals at 3 can each overtake the leader.
    expect(dirichletLeaderRisk([5, 3, 3])).toBeGreaterThan(leaderRisk(5, 3) + 0.1);
    expect(dirichletLeaderRisk([5, 3, 3])).toBeCloseTo(0.3897, 3);
    // At 0.95, 7 votes against four single votes clear the Beta rule (0.980) but not the Dirichlet one.
    expect(leaderRisk(7, 1)).toBeLessThan(0.05);
    expect(dirichletLeaderRisk([7, 1, 1, 1, 1])).toBeGreaterThan(0.05);
    // More rivals, more risk; the order of the votes does not matter.
    expect(dirichletLeaderRisk([7, 1, 1, 1, 1])).toBeGreaterThan(dirichletLeaderRisk([7, 1, 1]));
    expect(dirichletLeaderRisk([1, 7, 1])).toBeCloseTo(dirichletLeaderRisk([7, 1, 1]), 14);
    // A tie among k answers gives each a 1/k chance of the largest share.
    expect(dirichletLeaderProbability([3, 3, 3])).toBeCloseTo(1 / 3, 10);
    expect(dirichletLeaderProbability([2, 2, 2, 2])).toBeCloseTo(1 / 4, 10);
  });

  it("refuses counts that are not non-negative integers, naming the entry", () => {
    expect(() => dirichletLeaderRisk([3, -1])).toThrow(ConfigError);
    expect(() => dirichletLeaderRisk([3, 1.5])).toThrow(/dirichletLeaderRisk: votes\[1\] must be an integer/);
  });
});
