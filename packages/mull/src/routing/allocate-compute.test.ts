import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import type { AnswerFormat, GenerationRequest, Problem } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { allocateCompute } from "./allocate-compute.ts";
import { splitSamples } from "./plan-extra-samples.ts";

const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /####\s*(.+?)\s*$/.exec(text)?.[1],
  key: (answer) => answer,
  equivalent: (a, b) => a === b,
};

function promptOf(request: GenerationRequest): string {
  return request.prompt.kind === "text"
    ? request.prompt.text
    : request.prompt.messages.map((message) => message.content).join("\n");
}

/**
 * `easy` is always 1; `split` draws 2 or 3 evenly, 2 being right; `hopeless` never repeats an answer.
 */
const scripted = () =>
  createScriptedBackend({
    respond: (request, index, rng) => {
      const prompt = promptOf(request);
      if (prompt.includes("easy")) return "#### 1";
      if (prompt.includes("split")) return rng.next() < 0.5 ? "#### 2" : "#### 3";
      return `#### ${100 + index}`;
    },
  });

const problems: Problem[] = [{ question: "easy" }, { question: "split" }, { question: "hopeless" }];

function allocate(allocation: "uniform" | "adaptive", totalSamples = 24) {
  const backend = scripted();
  return allocateCompute(problems, {
    totalSamples,
    allocation,
    probe: 4,
    maxSamples: 12,
    context: (_, index) => testStrategyContext({ backend, seed: 10 + index, answerFormat: hashFormat }),
  });
}

describe("allocateCompute", () => {
  it("gives nothing more to a unanimous probe and more to a split one than to a hopeless one", async () => {
    const results = await allocate("adaptive");
    const [easy, split, hopeless] = results;
    expect(easy?.samples).toBe(4);
    expect(easy?.answer).toBe("1");
    expect(split?.probe?.agreement).toBeLessThan(1);
    expect(split?.samples).toBeGreaterThan(hopeless?.samples ?? Infinity);
    expect(hopeless?.samples).toBeGreaterThan(4);
    expect(results.reduce((sum, result) => sum + result.samples, 0)).toBeLessThanOrEqual(24);
    for (const result of results) expect(result.candidates).toHaveLength(result.samples);
    expect(results.reduce((sum, result) => sum + (result.usage.completionTokens ?? 0), 0)).toBe(
      results.reduce((sum, result) => sum + result.samples, 0) * 2,
    );
  });

  it("splits the total evenly under uniform allocation", async () => {
    const results = await allocate("uniform", 10);
    expect(results.map((result) => result.samples)).toEqual([4, 3, 3]);
    expect(results.map((result) => result.candidates.length)).toEqual([4, 3, 3]);
    expect(results[0]?.probe).toBeUndefined();
  });

  it("is the same batch under the same seeds", async () => {
    const first = await allocate("adaptive");
    const second = await allocate("adaptive");
    expect(second.map((result) => result.samples)).toEqual(first.map((result) => result.samples));
    expect(second.map((result) => result.votes)).toEqual(first.map((result) => result.votes));
  });

  it("refuses a total that cannot pay for the probes", async () => {
    await expect(allocate("adaptive", 8)).rejects.toThrow(ConfigError);
    await expect(allocate("adaptive", 8)).rejects.toThrow(/cannot pay for probes of 4 samples on 3 problems/);
  });
});

describe("splitSamples", () => {
  it("splits in proportion to the weights, under the cap, the remainder to the largest fractions", () => {
    expect(splitSamples([0, 0.5, 0.25], 6, 10)).toEqual([0, 4, 2]);
    expect(splitSamples([1, 1, 1], 4, 10)).toEqual([2, 1, 1]);
    expect(splitSamples([1, 3], 8, 4)).toEqual([4, 4]);
    expect(splitSamples([1, 1], 20, 3)).toEqual([3, 3]);
    expect(splitSamples([0, 0], 5, 3)).toEqual([0, 0]);
  });
});
