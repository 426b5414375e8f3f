import { describe, expect, it } from "vitest";
import { CapabilityError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { perplexityConsistency } from "./perplexity-consistency.ts";

describe("perplexityConsistency", () => {
  it("samples with log-probabilities and counts a repeated path once", async () => {
    // Every path equally likely: 7 is sampled twice as the same text, 8 as two different texts.
    const responses = [
      { text: "quick #### 7", logprob: -0.3 },
      { text: "quick #### 7", logprob: -0.3 },
      { text: "slow #### 8", logprob: -0.3 },
      { text: "other #### 8", logprob: -0.3 },
    ];
    const backend = createScriptedBackend({ responses });
    const result = await solve({ problem: "q", strategy: perplexityConsistency({ n: 4 }), backend });
    expect(backend.calls.every((call) => call.request.logprobs === true)).toBe(true);
    expect(result.strategy).toBe("rpc@4");
    expect(result.answer).toBe("8");
    expect(result.votes).toEqual({ "7": 1 / 3, "8": 2 / 3 });
    // Counting the repeat, it would be a tie that 7, seen first, wins.
    const weighted = await solve({
      problem: "q",
      strategy: "wv-prob@4",
      backend: createScriptedBackend({ responses }),
    });
    expect(weighted.answer).toBe("7");
  });

  it("prunes a very unlikely path that would otherwise tip the vote", async () => {
    // Same length texts, so mean log-probabilities keep the order of the totals.
    const responses = [
      { text: "a #### 7", logprob: 3 * Math.log(0.6) },
      { text: "b #### 7", logprob: 3 * Math.log(0.6) },
      { text: "c #### 8", logprob: 3 * Math.log(0.7) },
      { text: "d #### 8", logprob: 3 * Math.log(0.45) },
      { text: "e #### 8", logprob: 3 * Math.log(0.1) },
    ];
    const result = await solve({
      problem: "q",
      strategy: "rpc@5",
      backend: createScriptedBackend({ responses }),
    });
    expect(result.answer).toBe("7");
    expect(result.votes!["8"]).toBeCloseTo(1.15 / 2.35, 9);
  });

  it("refuses a backend without log-probabilities, naming the capability", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"], capabilities: { logprobs: false } });
    const attempt = solve({ problem: "q", strategy: "rpc@4", backend });
    await expect(attempt).rejects.toThrow(CapabilityError);
    await expect(attempt).rejects.toMatchObject({ capability: "logprobs", requiredBy: "rpc@4" });
    expect(backend.calls).toHaveLength(0);
  });

  it("with every path equally likely equals a majority vote over distinct paths", async () => {
    const texts = ["x #### 1", "x #### 1", "x #### 1", "y #### 2", "z #### 2", "w #### 3"];
    const backend = createScriptedBackend({ responses: texts.map((text) => ({ text, logprob: -1 })) });
    const result = await solve({ problem: "q", strategy: "rpc@6", backend });
    const majority = await solve({
      problem: "q",
      strategy: "sc@4",
      backend: createScriptedBackend({ responses: [...new Set(texts)] }),
    });
    expect(result.answer).toBe(majority.answer);
    expect(result.answer).toBe("2");
  });

  it("falls back to a majority vote when no path's mean log-probability is a number", async () => {
    // A NaN weight cannot be compared: with none weighable, the majority (2) answers.
    const responses = ["a #### 1", "b #### 2", "c #### 2"].map((text) => ({ text, logprob: Number.NaN }));
    const result = await solve({
      problem: "q",
      strategy: perplexityConsistency({ n: 3 }),
      backend: createScriptedBackend({ responses }),
    });
    expect(result.candidates.every((candidate) => Number.isNaN(candidate.meanLogprob))).toBe(true);
    expect(result.answer).toBe("2");
    expect(result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []))).toEqual([
      "rpc@3: no candidate could be weighed; falling back to a majority vote",
    ]);
  });

  it("is named by rpc@N, and exposes its samples and selection to adaptive wrappers", async () => {
    const backend = createScriptedBackend({ responses: Array.from({ length: 8 }, () => "#### 5") });
    const result = await solve({ problem: "q", strategy: "rpc@8", backend });
    expect(result.strategy).toBe("rpc@8");
    expect(result.candidates).toHaveLength(8);
    expect(result.answer).toBe("5");
    const strategy = perplexityConsistency({ n: 8 });
    expect(strategy.samples).toBe(8);
    expect(strategy.withSamples(3).name).toBe("rpc@3");
  });
});
