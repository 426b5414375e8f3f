import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { adaptiveConsistencyReached } from "./adaptive-consistency-reached.ts";
import type { RunProgress } from "./run-progress.ts";

/** The progress of a run whose candidates gave these answers (`undefined`: no answer). */
function progressOf(answers: readonly (string | undefined)[]): RunProgress {
  const votes: Record<string, number> = {};
  for (const answer of answers) if (answer !== undefined) votes[answer] = (votes[answer] ?? 0) + 1;
  return {
    spent: {
      usage: { promptTokens: undefined, completionTokens: undefined, calls: answers.length },
      scoreCalls: 0,
      elapsedMilliseconds: 0,
      costUsd: undefined,
    },
    candidates: [],
    votes,
    keys: answers,
  };
}

const repeat = (answer: string, times: number) => Array.from({ length: times }, () => answer);

describe("adaptiveConsistencyReached", () => {
  it("with the Beta posterior stops once the leader beats the runner-up at the threshold", () => {
    const condition = adaptiveConsistencyReached(0.95);
    expect(condition.name).toBe("adaptive-consistency");
    expect(condition.shouldStop(progressOf(repeat("1", 3)))).toBe(false);
    expect(condition.shouldStop(progressOf(repeat("1", 4)))).toBe(true);
    // Unanswered samples do not vote.
    expect(condition.shouldStop(progressOf([...repeat("1", 3), undefined, undefined]))).toBe(false);
    // Only the runner-up counts: four single-vote rivals do not hold 7 votes back.
    expect(condition.shouldStop(progressOf([...repeat("1", 7), "2", "3", "4", "5"]))).toBe(true);
  });

  it("weighs the leader against the largest rival, whatever order the answers came in", () => {
    // Votes a: 7, b: 1, c: 6. Against c's 6 the leader is far from 0.95; against b's 1, as if the
    // first-seen rival were the runner-up, it would stop.
    const answers = ["a", "b", "c", ...repeat("a", 6), ...repeat("c", 5)];
    expect(progressOf(answers).votes).toEqual({ a: 7, b: 1, c: 6 });
    expect(adaptiveConsistencyReached(0.95).shouldStop(progressOf(answers))).toBe(false);
    expect(adaptiveConsistencyReached(0.95, "dirichlet").shouldStop(progressOf(answers))).toBe(false);
  });

  it("stops when the leader's probability reaches the threshold exactly", () => {
    // Four votes and no rival: P(p ≤ ½) under Beta(5, 1) is ½⁵ = 0.03125, so P(leader) = 0.96875.
    expect(adaptiveConsistencyReached(0.96875).shouldStop(progressOf(repeat("1", 4)))).toBe(true);
    // A hair above it, four votes are not enough.
    expect(adaptiveConsistencyReached(0.96876).shouldStop(progressOf(repeat("1", 4)))).toBe(false);
  });

  it("with the Dirichlet posterior stops where the Beta one does on two answers, later on several", () => {
    const beta = adaptiveConsistencyReached(0.95, "beta");
    const dirichlet = adaptiveConsistencyReached(0.95, "dirichlet");
    for (const answers of [
      repeat("1", 4),
      [...repeat("1", 9), "2", "2"],
      [...repeat("1", 8), "2", "2"],
      [...repeat("1", 11), ...repeat("2", 4)],
      [...repeat("1", 10), ...repeat("2", 4)],
    ]) {
      expect(dirichlet.shouldStop(progressOf(answers)), answers.join()).toBe(
        beta.shouldStop(progressOf(answers)),
      );
    }
    const split = [...repeat("1", 7), "2", "3", "4", "5"];
    expect(beta.shouldStop(progressOf(split))).toBe(true);
    expect(dirichlet.shouldStop(progressOf(split))).toBe(false);
    // A few more votes for the leader settle it.
    expect(dirichlet.shouldStop(progressOf([...split, "1", "1", "1"]))).toBe(true);
  });

  it("with the Dirichlet posterior weighs every rival from three answers on", () => {
    // Votes 6, 1, 1: the Beta risk against the runner-up alone is about 0.035, the Dirichlet risk about 0.065.
    const split = [...repeat("1", 6), "2", "3"];
    expect(adaptiveConsistencyReached(0.95, "beta").shouldStop(progressOf(split))).toBe(true);
    expect(adaptiveConsistencyReached(0.95, "dirichlet").shouldStop(progressOf(split))).toBe(false);
  });

  it("never stops at a threshold of 1, and refuses unknown posteriors and thresholds", () => {
    for (const posterior of ["beta", "dirichlet"] as const) {
      const condition = adaptiveConsistencyReached(1, posterior);
      expect(condition.shouldStop(progressOf(repeat("1", 2000)))).toBe(false);
      expect(condition.shouldStop(progressOf([...repeat("1", 200), "2", "3"]))).toBe(false);
    }
    expect(() => adaptiveConsistencyReached(0.95, "gamma" as "beta")).toThrow(ConfigError);
    expect(() => adaptiveConsistencyReached(0.95, "gamma" as "beta")).toThrow(
      'adaptiveConsistencyReached: posterior must be "beta" or "dirichlet", got "gamma"',
    );
    expect(() => adaptiveConsistencyReached(1.5)).toThrow(/threshold/);
  });
});
