import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { chooseBySpec as choose, gradedSample } from "./choose-sample.test-support.ts";
import type { GradedSample } from "./grade-replay.ts";
import { parseReplayArchitecture } from "./parse-replay-architecture.ts";
import { parseReplayStrategy } from "./replay-strategy.ts";

/** A sample with 10 recorded tokens, which `rank-lp` needs. */
function sample(answer: string | undefined, extra: Partial<GradedSample> = {}): GradedSample {
  return gradedSample(answer, { completionTokens: 10, ...extra });
}

describe("architectures on recorded samples", () => {
  it("verify keeps the samples whose reward clears the threshold, and votes among them", () => {
    const samples = [
      sample("a", { reward: 0.2 }),
      sample("a", { reward: 0.3 }),
      sample("b", { reward: 0.8 }),
      sample("a", { reward: 0.1 }),
    ];
    expect(choose("maj@4", samples)).toBe(0);
    expect(choose("gen@4+verify+vote", samples)).toBe(2);
    // None clears 0.9: the pool stays whole and the majority wins.
    expect(choose("gen@4+verify@0.9+vote", samples)).toBe(0);
    // On the logit scale a reward of 0 is even odds.
    expect(
      choose("gen@2+verify+first", [sample("a", { reward: -1 }), sample("b", { reward: 0 })], "logit"),
    ).toBe(1);
  });

  it("rank keeps the K best by reward or by mean token log-probability, equal values in drawn order", () => {
    const samples = [
      sample("a", { reward: 0.6, logprob: -20, completionTokens: 10 }),
      sample("b", { reward: 0.9, logprob: -4, completionTokens: 8 }),
      sample("b", { reward: 0.7, logprob: -30, completionTokens: 10 }),
      sample("a", { reward: 0.6, logprob: -3, completionTokens: 10 }),
    ];
    expect(choose("gen@4+rank@2+vote", samples)).toBe(1);
    expect(choose("gen@4+rank@3+first", samples)).toBe(1);
    // By mean log-probability: -0.3 (3), -0.5 (1), -2 (0), -3 (2).
    expect(choose("gen@4+rank-lp@1+first", samples)).toBe(3);
    // A tie after ranking goes to the answer ranked first, as in a live run.
    expect(choose("gen@4+rank-lp@2+vote", samples)).toBe(3);
    expect(
      choose("gen@4+rank-lp@3+vote", [
        ...samples.slice(0, 3),
        sample("b", { logprob: -3, completionTokens: 10 }),
      ]),
    ).toBe(3);
  });

  it("refuses a sample without what a layer reads, naming the strategy and the problem", () => {
    expect(() => choose("gen@2+rank-lp@1+vote", [sample("a", { logprob: -1 }), sample("b")])).toThrow(
      'gen@2+rank-lp@1+vote needs a logprob and a token count for every sample, but a sample of problem "p1" (test.jsonl:1) lacks one',
    );
    expect(() => choose("gen@2+verify+vote", [sample("a", { reward: 1 }), sample("b")])).toThrow(
      /needs a reward/,
    );
  });

  it("parses only the layers recordings allow, naming the one that cannot be replayed", () => {
    expect(parseReplayArchitecture(" GEN@8+Verify@0.7+rank-lp@2+vote ")).toEqual({
      name: "gen@8+verify@0.7+rank-lp@2+vote",
      kind: "architecture",
      k: 8,
      layers: [
        { kind: "generate", samples: 8 },
        { kind: "verify", threshold: 0.7 },
        { kind: "rank", keep: 2, by: "logprob" },
        { kind: "vote" },
      ],
    });
    const refusal = (spec: string) => {
      try {
        parseReplayStrategy(spec);
      } catch (error) {
        expect(ConfigError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ field: "--strategies" });
        return (error as Error).message;
      }
      throw new Error(`${spec} was accepted`);
    };
    expect(refusal("gen@8+fuse@1+vote")).toContain(
      "layer 2 (fuse@1) of gen@8+fuse@1+vote cannot be replayed",
    );
    expect(refusal("gen@8+test+vote")).toContain("layer 2 (test)");
    expect(refusal("gen@8+rank-prm@2+vote")).toContain("layer 2 (rank-prm@2)");
    expect(refusal("gen@8(big)+vote")).toContain("layer 1 (gen@8(big))");
    expect(refusal("gen@8+gen@4+vote")).toContain("layer 2 (gen@4)");
    expect(refusal("gen@8+rank@x")).toMatch(/^--strategies: layer 2 is "rank@x", which is no layer form/);
  });
});
