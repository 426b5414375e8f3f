import { describe, expect, it } from "vitest";
import { CapabilityError, ConfigError } from "../errors/index.ts";
import { seededRng } from "../runtime/index.ts";
import { solve } from "../solve.ts";
import type { TokenLogprob } from "../spec/index.ts";
import { createScriptedBackend, type ScriptedCompletion } from "../testing/scripted-backend.ts";
import { selfCertainty } from "./self-certainty.ts";

/**
 * A completion whose every token has self-certainty `certainty` over its two top alternatives, at
 * log-probabilities −c/2 and −3c/2 with c = certainty + ln 2: −(−c/2 − 3c/2)/2 − ln 2 = certainty.
 */
function certain(text: string, certainty: number): ScriptedCompletion {
  const c = certainty + Math.LN2;
  const tokens: TokenLogprob[] = text.split(" ").map((token) => ({
    token,
    logprob: -c / 2,
    topLogprobs: [
      { token, logprob: -c / 2 },
      { token: "?", logprob: (-3 * c) / 2 },
    ],
  }));
  return { text, tokens };
}

describe("selfCertainty", () => {
  it("samples with top log-probabilities and scores every trace by its self-certainty", async () => {
    const backend = createScriptedBackend({ responses: ["so #### 5"], capabilities: { maxTopLogprobs: 5 } });
    const result = await solve({ problem: "q", strategy: selfCertainty({ n: 3 }), backend });
    // k is 20 unless the backend accepts fewer.
    expect(backend.calls[0]!.request).toMatchObject({ n: 3, logprobs: true, topLogprobs: 5 });
    expect(result.strategy).toBe("certainty@3");
    expect(result.answer).toBe("5");
    // The scripted alternatives sit 0, 1, 2, 3, 4 below −0.1: mean log p −2.1, so 2.1 − ln 5.
    expect(result.candidates).toHaveLength(3);
    for (const candidate of result.candidates) {
      expect(candidate.scores).toEqual([
        { scorer: "self-certainty", kind: "confidence", value: expect.closeTo(2.1 - Math.log(5), 12) },
      ]);
    }
  });

  it("lets a more certain minority outvote a less certain majority, by rank", async () => {
    // Ranks: the two 8s are 1 and 2 of 5, the three 7s 3, 4, 5: √5 + √4 ≈ 4.236 against √3 + √2 + 1 ≈ 4.146.
    const responses = [
      certain("a #### 7", 0.5),
      certain("b #### 8", 2),
      certain("c #### 7", 0.4),
      certain("d #### 8", 2.5),
      certain("e #### 7", 0.3),
    ];
    const result = await solve({
      problem: "q",
      strategy: "certainty@5",
      backend: createScriptedBackend({ responses }),
    });
    expect(result.answer).toBe("8");
    expect(result.votes!["8"]).toBeCloseTo(Math.sqrt(5) + 2, 12);
    expect(result.votes!["7"]).toBeCloseTo(Math.sqrt(3) + Math.SQRT2 + 1, 12);
    const majority = await solve({
      problem: "q",
      strategy: "sc@5",
      backend: createScriptedBackend({ responses }),
    });
    expect(majority.answer).toBe("7");
    // Only ranks count: far more certain 8s weigh the same.
    const surer = responses.map((response, index) =>
      index === 1 ? certain("b #### 8", 50) : index === 3 ? certain("d #### 8", 80) : response,
    );
    const same = await solve({
      problem: "q",
      strategy: "certainty@5",
      backend: createScriptedBackend({ responses: surer }),
    });
    expect(same.votes).toEqual(result.votes);
  });

  it("with p = 0 equals a majority vote, on random traces", async () => {
    const rng = seededRng(5);
    const answers = ["#### 1", "#### 2", "#### 3", "no answer here"];
    for (let trial = 0; trial < 40; trial += 1) {
      const n = 1 + Math.floor(rng.next() * 12);
      const responses = Array.from({ length: n }, (_, index) =>
        certain(`t${index} ${answers[Math.floor(rng.next() * answers.length)]!}`, rng.next() * 3),
      );
      const weighted = await solve({
        problem: "q",
        strategy: selfCertainty({ n, power: 0 }),
        backend: createScriptedBackend({ responses }),
      });
      const majority = await solve({
        problem: "q",
        strategy: `sc@${n}`,
        backend: createScriptedBackend({ responses }),
      });
      expect(weighted.answer, `trial ${trial}`).toBe(majority.answer);
      expect(weighted.votes, `trial ${trial}`).toEqual(majority.votes);
    }
  });

  it("refuses a backend without log-probabilities, or without top alternatives, naming the capability", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"], capabilities: { logprobs: false } });
    const attempt = solve({ problem: "q", strategy: "certainty@4", backend });
    await expect(attempt).rejects.toThrow(CapabilityError);
    await expect(attempt).rejects.toMatchObject({ capability: "logprobs", requiredBy: "certainty@4" });
    expect(backend.calls).toHaveLength(0);
    const noTop = createScriptedBackend({ responses: ["#### 1"], capabilities: { topLogprobs: false } });
    await expect(solve({ problem: "q", strategy: "certainty@4", backend: noTop })).rejects.toMatchObject({
      capability: "topLogprobs",
      requiredBy: "certainty@4",
    });
    expect(noTop.calls).toHaveLength(0);
  });

  it("falls back to a majority vote, with a note, when no trace came back with top alternatives", async () => {
    const responses = ["#### 1", "#### 2", "#### 2"].map((text) => ({
      text,
      tokens: [{ token: text, logprob: -1 }],
    }));
    const result = await solve({
      problem: "q",
      strategy: "certainty@3",
      backend: createScriptedBackend({ responses }),
    });
    expect(result.answer).toBe("2");
    expect(result.votes).toEqual({ "1": 1, "2": 2 });
    expect(result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []))).toEqual([
      "certainty@3: no trace had a self-certainty; falling back to a majority vote",
    ]);
  });

  it("exposes its samples and selection to adaptive wrappers", async () => {
    const strategy = selfCertainty({ n: 8, power: 1, topLogprobs: 4 });
    expect(strategy.samples).toBe(8);
    expect(strategy.withSamples(3).name).toBe("certainty@3");
    expect(strategy.withSamples(3).parameters).toEqual({ n: 3, power: 1, topLogprobs: 4 });
    const backend = createScriptedBackend({
      responses: Array.from({ length: 8 }, () => certain("#### 5", 1)),
    });
    const result = await solve({ problem: "q", strategy: "certainty@8", backend });
    expect(result.candidates).toHaveLength(8);
    expect(result.answer).toBe("5");
  });

  it("checks its options", () => {
    expect(() => selfCertainty({ n: 0 })).toThrow(ConfigError);
    expect(() => selfCertainty({ n: 4, power: -1 })).toThrow(/power/);
    expect(() => selfCertainty({ n: 4, topLogprobs: 1 })).toThrow(/topLogprobs must be an integer ≥ 2/);
  });
});
