import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { adaptiveConsistencyReached } from "./adaptive-consistency-reached.ts";
import { callsExceed } from "./calls-exceed.ts";
import { checkStopConditions } from "./check-stop-conditions.ts";
import { consensusReached } from "./consensus-reached.ts";
import { leaderProbability } from "./leader-probability.ts";
import type { RunProgress } from "./run-progress.ts";
import { tokensExceed } from "./tokens-exceed.ts";
import { windowUnanimous } from "./window-unanimous.ts";

function progress(
  votes: Record<string, number>,
  tokens = 0,
  calls = 0,
  keys: (string | undefined)[] = [],
): RunProgress {
  return {
    spent: {
      usage: { promptTokens: tokens, completionTokens: 0, calls },
      scoreCalls: 0,
      elapsedMilliseconds: 0,
      costUsd: undefined,
    },
    candidates: [],
    votes,
    keys,
  };
}

describe("stop conditions", () => {
  it("consensusReached waits for enough votes, then compares the leader's share", () => {
    const condition = consensusReached(0.8, 5);
    expect(condition.shouldStop(progress({ a: 4 }))).toBe(false);
    expect(condition.shouldStop(progress({ a: 4, b: 1 }))).toBe(true);
    expect(condition.shouldStop(progress({ a: 3, b: 2 }))).toBe(false);
    expect(condition.shouldStop(progress({ a: 8, b: 1, c: 1 }))).toBe(true);
    expect(condition.shouldStop(progress({ a: 7, b: 2, c: 1 }))).toBe(false);
    expect(() => consensusReached(0)).toThrow(ConfigError);
    expect(() => consensusReached(0.5, 0)).toThrow(/minimumVotes/);
  });

  it("tokensExceed and callsExceed compare strictly", () => {
    expect(tokensExceed(100).shouldStop(progress({}, 100))).toBe(false);
    expect(tokensExceed(100).shouldStop(progress({}, 101))).toBe(true);
    expect(callsExceed(2).shouldStop(progress({}, 0, 2))).toBe(false);
    expect(callsExceed(2).shouldStop(progress({}, 0, 3))).toBe(true);
  });

  it("checkStopConditions names the first condition that holds", () => {
    const conditions = [tokensExceed(1000), consensusReached(1, 2), callsExceed(0)];
    expect(checkStopConditions(conditions, progress({ a: 1, b: 1 }))).toBeUndefined();
    expect(checkStopConditions(conditions, progress({ a: 2 }, 0, 1))).toBe("condition:consensus");
    expect(checkStopConditions(conditions, progress({ a: 1, b: 1 }, 0, 1))).toBe("condition:calls-exceed");
    expect(checkStopConditions([], progress({ a: 2 }))).toBeUndefined();
  });

  it("leaderProbability is the Beta posterior that the leader beats the runner-up", () => {
    // ∫½¹ x^a (1−x)^b dx / B(a+1, b+1), in closed form for small counts.
    expect(leaderProbability(1, 0)).toBeCloseTo(0.75, 12);
    expect(leaderProbability(4, 0)).toBeCloseTo(1 - 1 / 32, 12);
    expect(leaderProbability(5, 5)).toBeCloseTo(0.5, 12);
    expect(leaderProbability(2, 1)).toBeCloseTo(11 / 16, 12);
    // More votes for the leader never lower it; more for the rival never raise it.
    for (let runnerUp = 0; runnerUp < 20; runnerUp += 1) {
      for (let leader = runnerUp; leader < 40; leader += 1) {
        expect(leaderProbability(leader + 1, runnerUp)).toBeGreaterThanOrEqual(
          leaderProbability(leader, runnerUp),
        );
        expect(leaderProbability(leader, runnerUp + 1)).toBeLessThanOrEqual(
          leaderProbability(leader, runnerUp),
        );
      }
    }
    expect(leaderProbability(120, 3)).toBeLessThanOrEqual(1);
  });

  it("adaptiveConsistencyReached stops at the threshold on the two leading answers", () => {
    const rule = adaptiveConsistencyReached(0.95);
    expect(rule.shouldStop(progress({ "7": 3 }))).toBe(false);
    expect(rule.shouldStop(progress({ "7": 4 }))).toBe(true);
    expect(rule.shouldStop(progress({ "7": 6, "8": 2, "9": 1 }))).toBe(leaderProbability(6, 2) >= 0.95);
    expect(rule.shouldStop(progress({}))).toBe(false);
    expect(adaptiveConsistencyReached(1).shouldStop(progress({ "7": 60 }))).toBe(false);
    expect(checkStopConditions([rule], progress({ "7": 5 }))).toBe("condition:adaptive-consistency");
    expect(() => adaptiveConsistencyReached(1.5)).toThrow(ConfigError);
  });

  it("windowUnanimous stops after a window whose answers all agree", () => {
    const rule = windowUnanimous(3);
    expect(rule.shouldStop(progress({}, 0, 0, ["1", "2", "2"]))).toBe(false);
    expect(rule.shouldStop(progress({}, 0, 0, ["1", "2", "2", "2"]))).toBe(false);
    expect(rule.shouldStop(progress({}, 0, 0, ["1", "2", "2", "2", "2", "2"]))).toBe(true);
    expect(rule.shouldStop(progress({}, 0, 0, [undefined, undefined, undefined]))).toBe(false);
    expect(rule.shouldStop(progress({}, 0, 0, ["4", undefined, "4"]))).toBe(false);
    expect(() => windowUnanimous(0)).toThrow(/window must be an integer ≥ 1/);
  });
});
