import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import type { AnswerFormat, Problem } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { allocateCompute } from "./allocate-compute.ts";
import { voteAgreement } from "./answer-agreement.ts";
import { extraSampleWeight, planExtraSamples, splitSamples } from "./plan-extra-samples.ts";

const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /####\s*(.+?)\s*$/.exec(text)?.[1],
  key: (answer) => answer,
  equivalent: (a, b) => a === b,
};

describe("extraSampleWeight", () => {
  it("counts the probe's unanswered samples as not agreeing with the leader", () => {
    expect(extraSampleWeight(voteAgreement([1]), 4)).toBe(0.75);
    expect(extraSampleWeight(voteAgreement([2]), 4)).toBe(0.5);
    expect(extraSampleWeight(voteAgreement([3]), 4)).toBe(0.25);
    expect(extraSampleWeight(voteAgreement([1, 1]), 4)).toBe(0.75);
  });

  it("gives the share of samples off the leader when every sample answered", () => {
    expect(extraSampleWeight(voteAgreement([4]), 4)).toBe(0);
    expect(extraSampleWeight(voteAgreement([3, 1]), 4)).toBe(0.25);
    expect(extraSampleWeight(voteAgreement([2, 2]), 4)).toBe(0.5);
    expect(extraSampleWeight(voteAgreement([2, 1, 1]), 4)).toBe(0.5);
    expect(extraSampleWeight(voteAgreement([1, 1]), 2)).toBe(0.5);
  });

  it("halves the claim of a probe that found no answer or whose three or more answers all differ", () => {
    expect(extraSampleWeight(voteAgreement([]), 4)).toBe(0.5);
    expect(extraSampleWeight(voteAgreement([]), 1)).toBe(0.5);
    expect(extraSampleWeight(voteAgreement([1, 1, 1, 1]), 4)).toBe(0.5 * (1 - 1 / 4));
    expect(extraSampleWeight(voteAgreement([1, 1, 1]), 4)).toBe(0.5 * (1 - 1 / 4));
    expect(extraSampleWeight(voteAgreement([1, 1, 1, 1, 1, 1, 1, 1]), 8)).toBe(0.5 * (1 - 1 / 8));
  });

  it("refuses a probe size that is not a positive integer, naming the field and value", () => {
    for (const probeSamples of [0, -1, 2.5, Number.NaN]) {
      expect(() => extraSampleWeight(voteAgreement([1]), probeSamples)).toThrow(ConfigError);
    }
    expect(() => extraSampleWeight(voteAgreement([1]), 0)).toThrow(
      "extraSampleWeight: probeSamples must be an integer ≥ 1, got 0",
    );
  });

  it("refuses a probe with more answered samples than it drew", () => {
    const refused = (() => {
      try {
        extraSampleWeight(voteAgreement([3, 2]), 4);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(ConfigError.isInstance(refused)).toBe(true);
    expect((refused as ConfigError).field).toBe("probe.answered");
    expect((refused as ConfigError).message).toBe(
      "extraSampleWeight: probe.answered must be an integer from 0 to probeSamples = 4, got 5",
    );
  });
});

describe("planExtraSamples", () => {
  it("spends the batch on the probes that answered least rather than on the ones that answered at all", () => {
    // One of four answered; two of four answered and agree; none answered; unanimous; all four differ.
    const probes = [[1], [2], [], [4], [1, 1, 1, 1]].map(voteAgreement);
    const plan = planExtraSamples(probes, 4, 17, 20);
    expect(plan.weights).toEqual([0.75, 0.5, 0.5, 0, 0.375]);
    // 17 × weight / 2.125: 6, 4, 4, 0, 3 exactly.
    expect(plan.extra).toEqual([6, 4, 4, 0, 3]);
  });

  it("caps a mostly unanswered probe and passes the rest to the others", () => {
    const plan = planExtraSamples([voteAgreement([1]), voteAgreement([3, 1])], 4, 8, 4);
    expect(plan.weights).toEqual([0.75, 0.25]);
    expect(plan.extra).toEqual([4, 4]);
  });
});

describe("splitSamples", () => {
  it("shares what is left after a problem reaches its cap among the others alone", () => {
    // Round one fills the first problem's cap of 5 and gives 3 and 1 to the others; the 2 left then go
    // 3 : 1 between those two (1.5 and 0.5, the tie to the earlier), not diluted by the capped problem's
    // weight (0.5 and 0.17 of 2, which would give 4 and 2).
    expect(splitSamples([8, 3, 1], 11, 5)).toEqual([5, 5, 1]);
    // Weights as probes give them: the first and last reach the cap, the other two share the 8 left.
    const weights = [0.882696930394086, 0.04011908435692091, 0.006401242239479132, 0, 0.5407724463942992];
    expect(splitSamples(weights, 32, 12)).toEqual([12, 6, 2, 0, 12]);
  });
});

describe("allocateCompute with unanswered probe samples", () => {
  it("gives extra samples to a problem whose probe mostly found no answer", async () => {
    // `settled`: three of four samples answer 5, the fourth 6; `mute`: only the first sample answers.
    const backends = [
      createScriptedBackend({ respond: (_, index) => (index % 4 === 3 ? "#### 6" : "#### 5") }),
      createScriptedBackend({ respond: (_, index) => (index === 0 ? "#### 7" : "no final answer") }),
    ];
    const problems: Problem[] = [{ question: "settled" }, { question: "mute" }];
    const [settled, mute] = await allocateCompute(problems, {
      totalSamples: 16,
      probe: 4,
      context: (_, index) =>
        testStrategyContext({ backend: backends[index]!, seed: index, answerFormat: hashFormat }),
    });
    expect(mute?.probe).toEqual({ agreement: 1, leaderVotes: 1, answered: 1 });
    expect(mute?.weight).toBe(0.75);
    expect(settled?.weight).toBe(0.25);
    // The 8 samples left after the probes split 3 : 1.
    expect(mute?.samples).toBe(4 + 6);
    expect(settled?.samples).toBe(4 + 2);
    expect(mute?.answer).toBe("7");
    expect(settled?.answer).toBe("5");
  });
});
