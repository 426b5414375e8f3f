import { describe, expect, it } from "vitest";
import { gradedSample as sample } from "./choose-sample.test-support.ts";
import { samplesUndecided } from "./undecided-samples.ts";

describe("samplesUndecided", () => {
  const reward = (each: { readonly reward: number | undefined }) => each.reward;

  it("holds when no answered sample weighs more than 0, or none can be weighed", () => {
    expect(samplesUndecided([sample("a", { reward: 0 }), sample("b", { reward: 0 })], reward)).toBe(true);
    expect(samplesUndecided([sample("a"), sample("b")], reward)).toBe(true);
    // A sample without an answer does not vote, so its weight does not decide.
    expect(samplesUndecided([sample("a", { reward: 0 }), sample(undefined, { reward: 1 })], reward)).toBe(
      true,
    );
  });

  it("fails when some answered sample weighs more than 0, or no sample has an answer", () => {
    expect(samplesUndecided([sample("a", { reward: 0 }), sample("b", { reward: 0.2 })], reward)).toBe(false);
    expect(samplesUndecided([sample(undefined, { reward: 0 })], reward)).toBe(false);
    expect(samplesUndecided([], reward)).toBe(false);
  });
});
