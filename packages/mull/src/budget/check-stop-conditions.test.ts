import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { callsExceed } from "./calls-exceed.ts";
import { checkStopConditions } from "./check-stop-conditions.ts";
import { consensusReached } from "./consensus-reached.ts";
import type { RunProgress } from "./run-progress.ts";
import { tokensExceed } from "./tokens-exceed.ts";

function progress(votes: Record<string, number>, tokens = 0, calls = 0): RunProgress {
  return {
    spent: {
      usage: { promptTokens: tokens, completionTokens: 0, calls },
      scoreCalls: 0,
      elapsedMilliseconds: 0,
      costUsd: undefined,
    },
    candidates: [],
    votes,
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
});
