import { describe, expect, it } from "vitest";
import { CapabilityError, ConfigError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type { Candidate, TokenLogprob } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { deepConf } from "./deep-conf.ts";

/**
 * A completion whose every token has confidence `confidence` over its two top alternatives:
 * −(−c/2 − 3c/2) / 2 = c.
 */
function confident(text: string, confidence: number): { text: string; tokens: TokenLogprob[] } {
  const tokens = text.split(" ").map((token) => ({
    token,
    logprob: -confidence / 2,
    topLogprobs: [
      { token, logprob: -confidence / 2 },
      { token: "?", logprob: (-3 * confidence) / 2 },
    ],
  }));
  return { text, tokens };
}

describe("deepConf", () => {
  it("samples with top log-probabilities and scores every trace by its confidence", async () => {
    const backend = createScriptedBackend({
      responses: ["so #### 5"],
      capabilities: { maxTopLogprobs: 5 },
    });
    const result = await solve({ problem: "q", strategy: deepConf({ n: 3 }), backend });
    // k is 20 unless the backend accepts fewer.
    expect(backend.calls[0]!.request).toMatchObject({ n: 3, logprobs: true, topLogprobs: 5 });
    expect(result.strategy).toBe("deepconf@3");
    expect(result.answer).toBe("5");
    // The scripted alternatives sit 1, 2, 3, 4 below the sampled token's −0.1: C = 0.1 + 2.
    expect(result.candidates).toHaveLength(3);
    for (const candidate of result.candidates) {
      expect(candidate.scores).toHaveLength(1);
      expect(candidate.scores[0]).toMatchObject({ scorer: "deepconf:lowest-group", kind: "confidence" });
      expect(candidate.scores[0]!.value).toBeCloseTo(2.1, 12);
    }
  });

  it("weighs each vote by its trace's confidence", async () => {
    const responses = [
      confident("a #### 7", 1),
      confident("b #### 8", 3),
      confident("c #### 7", 1),
      confident("d #### 8", 3),
      confident("e #### 7", 1),
    ];
    const result = await solve({
      problem: "q",
      strategy: "deepconf@5",
      backend: createScriptedBackend({ responses }),
    });
    expect(result.answer).toBe("8");
    expect(result.votes).toEqual({ "7": 3, "8": 6 });
    const majority = await solve({
      problem: "q",
      strategy: "sc@5",
      backend: createScriptedBackend({ responses }),
    });
    expect(majority.answer).toBe("7");
  });

  it("keeps only the most confident η% of the traces", async () => {
    // The least confident trace of ten is dropped at η = 90; at η = 10 only the most confident votes.
    const confidences = [2, 2, 0.5, 2, 2, 3, 2, 2, 2, 2.5];
    const responses = confidences.map((confidence, index) =>
      confident(`t${index} #### ${index === 5 ? 9 : index === 2 ? 1 : 4}`, confidence),
    );
    const high = await solve({
      problem: "q",
      strategy: deepConf({ n: 10 }),
      backend: createScriptedBackend({ responses }),
    });
    expect(high.votes).toEqual({ "4": 16.5, "9": 3 });
    const low = await solve({
      problem: "q",
      strategy: deepConf({ n: 10, keepPercent: 10 }),
      backend: createScriptedBackend({ responses }),
    });
    expect(low.answer).toBe("9");
    expect(low.votes).toEqual({ "9": 3 });
  });

  it("scores a trace by its weakest stretch of window tokens", async () => {
    // Two tokens of confidence 1, then eight of 5. Over windows of four the weakest is 1, 1, 5, 5: 3; a
    // window of all ten averages them: 4.2; the default, an eighth of the trace (2), finds the pair of 1s.
    const weak = confident("a b", 1);
    const strong = confident("c d e f g h #### 7", 5);
    const response = { text: `${weak.text} ${strong.text}`, tokens: [...weak.tokens, ...strong.tokens] };
    const score = async (window?: number) => {
      const result = await solve({
        problem: "q",
        strategy: deepConf({ n: 1, ...(window === undefined ? {} : { window }) }),
        backend: createScriptedBackend({ responses: [response] }),
      });
      return result.candidates[0]!.scores[0]!.value;
    };
    expect(await score(4)).toBeCloseTo(3, 9);
    expect(await score(10)).toBeCloseTo(4.2, 9);
    expect(await score()).toBeCloseTo(1, 9);
  });

  it("refuses a backend without log-probabilities, or without top alternatives, naming the capability", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"], capabilities: { logprobs: false } });
    const attempt = solve({ problem: "q", strategy: "deepconf@4", backend });
    await expect(attempt).rejects.toThrow(CapabilityError);
    await expect(attempt).rejects.toMatchObject({ capability: "logprobs", requiredBy: "deepconf@4" });
    expect(backend.calls).toHaveLength(0);
    const noTop = createScriptedBackend({ responses: ["#### 1"], capabilities: { topLogprobs: false } });
    await expect(solve({ problem: "q", strategy: "deepconf@4", backend: noTop })).rejects.toMatchObject({
      capability: "topLogprobs",
      requiredBy: "deepconf@4",
    });
    expect(noTop.calls).toHaveLength(0);
  });

  it("with every trace equally confident equals a majority vote", async () => {
    const texts = ["x #### 1", "y #### 2", "z #### 2", "w #### 3", "v #### 1", "u #### 2"];
    const result = await solve({
      problem: "q",
      strategy: "deepconf@6",
      backend: createScriptedBackend({ responses: texts.map((text) => confident(text, 2)) }),
    });
    const majority = await solve({
      problem: "q",
      strategy: "sc@6",
      backend: createScriptedBackend({ responses: texts }),
    });
    expect(result.answer).toBe(majority.answer);
    expect(result.answer).toBe("2");
  });

  it("falls back to a majority vote, with a note, when no trace came back with top alternatives", async () => {
    const responses = ["#### 1", "#### 2", "#### 2"].map((text) => ({
      text,
      tokens: [{ token: text, logprob: -1 }],
    }));
    const result = await solve({
      problem: "q",
      strategy: "deepconf@3",
      backend: createScriptedBackend({ responses }),
    });
    expect(result.answer).toBe("2");
    expect(result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []))).toEqual([
      "deepconf@3: no trace had a confidence; falling back to a majority vote",
    ]);
  });

  it("falls back to a majority vote when only traces without an answer have a confidence", () => {
    const strategy = deepConf({ n: 4 });
    const candidate = (id: string, answer: string | undefined, confidence?: number): Candidate => ({
      id,
      text: `#### ${answer ?? ""}`,
      answer,
      finishReason: "stop",
      completionTokens: 2,
      scores:
        confidence === undefined
          ? []
          : [{ scorer: "deepconf:lowest-group", kind: "confidence", value: confidence }],
    });
    const pool = [
      candidate("a", undefined, 0.9),
      candidate("b", "7"),
      candidate("c", "7"),
      candidate("d", "8"),
    ];
    expect(strategy.select(pool, testStrategyContext()).answer).toBe("7");
    expect(strategy.selectionNote?.(pool)).toBe(
      "deepconf@4: no trace had a confidence; falling back to a majority vote",
    );
  });

  it("is named by deepconf@N, and exposes its samples and selection to adaptive wrappers", async () => {
    const backend = createScriptedBackend({ responses: Array.from({ length: 8 }, () => "#### 5") });
    const result = await solve({ problem: "q", strategy: "deepconf@8", backend });
    expect(result.strategy).toBe("deepconf@8");
    expect(result.candidates).toHaveLength(8);
    expect(result.answer).toBe("5");
    const strategy = deepConf({ n: 8, keepPercent: 10, measure: "tail" });
    expect(strategy.samples).toBe(8);
    expect(strategy.withSamples(3).name).toBe("deepconf@3");
    expect(strategy.withSamples(3).parameters).toMatchObject({ n: 3, keepPercent: 10, measure: "tail" });
    const adaptive = await solve({ problem: "q", strategy: "asc@8", backend });
    expect(adaptive.answer).toBe("5");
  });

  it("checks its options", () => {
    expect(() => deepConf({ n: 4, keepPercent: 0 })).toThrow(ConfigError);
    expect(() => deepConf({ n: 4, keepPercent: 120 })).toThrow(/keepPercent/);
    expect(() => deepConf({ n: 4, topLogprobs: 1 })).toThrow(/topLogprobs must be an integer ≥ 2/);
    expect(() => deepConf({ n: 4, window: 0 })).toThrow(/window/);
    expect(() => deepConf({ n: 4, measure: "mean" as never })).toThrow(/measure/);
  });
});
