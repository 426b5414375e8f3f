import { describe, expect, it } from "vitest";
import { chooseBySpec as choose, gradedSample as sample } from "./choose-sample.test-support.ts";

describe("chooseSample", () => {
  it("maj: the most frequent key wins, ties go to the answer seen first, answerless samples do not vote", () => {
    expect(choose("maj@5", [sample("a"), sample("b"), sample("b"), sample("a"), sample(undefined)])).toBe(0);
    expect(choose("maj@5", [sample("b"), sample("a"), sample("a"), sample("b")])).toBe(0);
    expect(choose("maj@5", [sample(undefined), sample("c"), sample("a"), sample("c")])).toBe(1);
    expect(choose("maj@2", [sample(undefined), sample(undefined)])).toBeUndefined();
  });

  it("rm/bon: the highest reward, the first of equal ones, even without an answer", () => {
    const samples = [
      sample("a", { reward: 0.2 }),
      sample("b", { reward: 0.9 }),
      sample("c", { reward: 0.9 }),
    ];
    expect(choose("rm@3", samples)).toBe(1);
    expect(choose("bon@3", samples)).toBe(1);
    expect(choose("rm@2", [sample(undefined, { reward: 3 }), sample("a", { reward: 1 })])).toBe(0);
  });

  it("wv: sums rewards per answer, so two middling votes can beat one high reward", () => {
    const samples = [
      sample("a", { reward: 0.9 }),
      sample("b", { reward: 0.5 }),
      sample("b", { reward: 0.5 }),
    ];
    expect(choose("wv@3", samples)).toBe(1);
    const favouring = [
      sample("a", { reward: 0.95 }),
      sample("b", { reward: 0.3 }),
      sample("b", { reward: 0.3 }),
    ];
    expect(choose("wv@3", favouring)).toBe(0);
  });

  it("wv: when every answered sample's reward is 0 the rewards cannot choose, and the samples vote by majority", () => {
    const zero = [
      sample("a", { reward: 0 }),
      sample("b", { reward: 0 }),
      sample("b", { reward: 0 }),
      sample(undefined, { reward: 0.8 }),
    ];
    // A weighted vote of zeros would return "a", the first answer, by order alone; the live wv@N votes.
    expect(choose("wv@4", zero)).toBe(1);
    expect(choose("maj@4", zero)).toBe(1);
    // One reward above 0 decides: the weights choose, against the majority.
    const decided = [sample("a", { reward: 0.1 }), sample("b", { reward: 0 }), sample("b", { reward: 0 })];
    expect(choose("wv@3", decided)).toBe(0);
    expect(
      choose("wv@2", [sample(undefined, { reward: 0 }), sample(undefined, { reward: 0 })]),
    ).toBeUndefined();
  });

  it("wv with logit rewards weighs by the logistic, and refuses raw scores on the probability scale", () => {
    const samples = [sample("a", { reward: 4 }), sample("b", { reward: -1 }), sample("b", { reward: -1 })];
    // logistic(4) = 0.982 > 2 × logistic(−1) = 0.538.
    expect(choose("wv@3", samples, "logit")).toBe(0);
    const close = [sample("a", { reward: 0.5 }), sample("b", { reward: 0 }), sample("b", { reward: 0 })];
    // logistic(0.5) = 0.62 < 2 × 0.5.
    expect(choose("wv@3", close, "logit")).toBe(1);
    expect(() => choose("wv@3", samples)).toThrow(/reward 4 .* outside \[0, 1\].*--reward-scale logit/);
  });

  it("wv-prob: sums sequence probabilities per answer without underflow", () => {
    const samples = [
      sample("b", { logprob: -1001 }),
      sample("a", { logprob: -1000 }),
      sample("b", { logprob: -1001 }),
    ];
    // b has more votes, but log(2·e^-1001) = -1000.31 < -1000: a wins.
    expect(choose("wv-prob@3", samples)).toBe(1);
    const three = [
      sample("a", { logprob: -1000 }),
      ...Array.from({ length: 3 }, () => sample("b", { logprob: -1001 })),
    ];
    // log(3·e^-1001) = -999.90 > -1000: b wins.
    expect(choose("wv-prob@4", three)).toBe(1);
  });

  it("mass: a trace recorded twice (the same text) weighs once, as in the live mass vote", () => {
    const samples = [
      sample("1", { text: "the same trace #### 1", logprob: Math.log(0.3) }),
      sample("1", { text: "the same trace #### 1", logprob: Math.log(0.3) }),
      sample("2", { text: "another trace #### 2", logprob: Math.log(0.4) }),
    ];
    // Distinct traces: "1" holds 0.3 against "2"'s 0.4; counting the repeat would give "1" 0.6.
    expect(choose("mass@3", samples)).toBe(2);
  });

  it("names the strategy, the field and the problem when rewards or logprobs are missing", () => {
    expect(() => choose("rm@2", [sample("a", { reward: 1 }), sample("b")])).toThrow(
      /rm@2 needs a reward for every sample, but a sample of problem "p1" \(test.jsonl:1\) has none/,
    );
    expect(() => choose("wv-prob@1", [sample("a")])).toThrow(/wv-prob@1 needs a logprob/);
  });
});
