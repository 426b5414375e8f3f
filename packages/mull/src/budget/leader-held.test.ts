import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { leaderHeld } from "./leader-held.ts";

describe("leaderHeld", () => {
  it("stops once the same answer has led for the last `rounds` rounds", () => {
    const condition = leaderHeld(2);
    expect(condition.shouldStop({ rounds: [["1", "1", "2"]] })).toBe(false);
    expect(
      condition.shouldStop({
        rounds: [
          ["1", "1", "2"],
          ["1", "2", "1"],
        ],
      }),
    ).toBe(true);
    // The leader changed in the last round.
    expect(
      condition.shouldStop({
        rounds: [
          ["1", "1", "2"],
          ["2", "2", "1"],
        ],
      }),
    ).toBe(false);
    // Only the last two rounds count.
    expect(condition.shouldStop({ rounds: [["9"], ["1"], ["1"]] })).toBe(true);
    // A round without any answer has no leader.
    expect(condition.shouldStop({ rounds: [["1"], [undefined]] })).toBe(false);
  });

  it("with a share, the leader must hold that share of all traces in each of those rounds", () => {
    const condition = leaderHeld(2, 0.75);
    const held = ["7", "7", "7", "2"];
    expect(condition.shouldStop({ rounds: [held, held] })).toBe(true);
    // Three of four give 7 but one trace has no answer: 2 of 4 is below 0.75.
    expect(condition.shouldStop({ rounds: [held, ["7", "7", undefined, "2"]] })).toBe(false);
    expect(leaderHeld(1, 1).shouldStop({ rounds: [["7", "7"]] })).toBe(true);
    expect(leaderHeld(1, 1).shouldStop({ rounds: [["7", undefined]] })).toBe(false);
  });

  it("refuses rounds below 1 and shares outside [0, 1]", () => {
    expect(() => leaderHeld(0)).toThrow(ConfigError);
    expect(() => leaderHeld(2, 1.5)).toThrow(/leaderHeld: share must be/);
  });
});
