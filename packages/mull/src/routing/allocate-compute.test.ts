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

  it("with the mass signal gives nothing more to a certified probe, and answers by probability mass", async () => {
    // `easy` answers 1 with probability 0.9 (certified by one trace); `split` answers 2 on one likely
    // trace (0.2) or 3 on ever new unlikely ones (0.01 each), so a vote by mass says 2 however often 3 comes.
    const backend = createScriptedBackend({
      respond: (request, index, rng) => {
        const prompt = promptOf(request);
        if (prompt.includes("easy")) return { text: "#### 1", logprob: Math.log(0.9) };
        return rng.next() < 0.3
          ? { text: "#### 2", logprob: Math.log(0.2) }
          : { text: `path ${index} #### 3`, logprob: Math.log(0.01) };
      },
    });
    const pair = [problems[0]!, problems[1]!];
    const context = (_: Problem, index: number) =>
      testStrategyContext({ backend, seed: 3 + index, answerFormat: hashFormat });
    const [easy, split] = await allocateCompute(pair, {
      totalSamples: 12,
      signal: "mass",
      probe: 1,
      maxSamples: 11,
      context,
    });
    expect(easy).toMatchObject({ samples: 1, weight: 0, answer: "1" });
    expect(split?.samples).toBe(11);
    expect(split?.weight).toBeGreaterThan(0);
    expect(backend.calls.every((call) => call.request.logprobs === true)).toBe(true);
    const counts = split!.candidates.map((candidate) => candidate.answer);
    expect(counts).toContain("2");
    expect(counts.filter((answer) => answer === "3").length).toBeGreaterThan(
      counts.filter((answer) => answer === "2").length,
    );
    expect(split?.answer).toBe("2");
    const without = createScriptedBackend({ responses: ["#### 1"], capabilities: { logprobs: false } });
    await expect(
      allocateCompute(pair, {
        totalSamples: 4,
        signal: "mass",
        probe: 1,
        context: (_, index) =>
          testStrategyContext({ backend: without, seed: index, answerFormat: hashFormat }),
      }),
    ).rejects.toThrow(/logprobs|log-probabilities/);
  });

  it("with greedyProbe opens each probe with the greedy trace, which certifies what one sample may miss", async () => {
    // `easy` has one trace of 0.6 at temperature 0; sampled, it draws that trace or one of 0.1 as often.
    // `split` is never certified. Probes of two: greedy first, then a sample.
    const backend = createScriptedBackend({
      respond: (request, index, rng) => {
        const prompt = promptOf(request);
        if (prompt.includes("easy") && (request.temperature === 0 || rng.next() < 0.5))
          return { text: "a #### 1", logprob: Math.log(0.6) };
        if (prompt.includes("easy")) return { text: `b${index} #### 1`, logprob: Math.log(0.1) };
        return { text: `path ${index} #### ${index % 2}`, logprob: Math.log(0.01) };
      },
    });
    const pair = [problems[0]!, problems[1]!];
    const [easy, split] = await allocateCompute(pair, {
      totalSamples: 10,
      signal: "mass",
      probe: 2,
      greedyProbe: true,
      context: (_, index) => testStrategyContext({ backend, seed: 5 + index, answerFormat: hashFormat }),
    });
    expect(easy).toMatchObject({ samples: 2, weight: 0, answer: "1" });
    expect(split?.samples).toBe(8);
    const temperatures = (word: string) =>
      backend.calls
        .filter((call) => promptOf(call.request).includes(word))
        .map((call) => call.request.temperature);
    expect(temperatures("easy")[0]).toBe(0);
    expect(temperatures("split")[0]).toBe(0);
    expect(
      temperatures("split")
        .slice(1)
        .every((temperature) => temperature !== 0),
    ).toBe(true);
    await expect(
      allocateCompute(pair, {
        totalSamples: 4,
        probe: 1,
        greedyProbe: true,
        context: () => testStrategyContext({ backend }),
      }),
    ).rejects.toThrow(/greedyProbe needs signal "mass"/);
  });

  it("with greedyProbe makes the greedy trace one of the probe's samples, not one more", async () => {
    // Neither problem is ever certified. The greedy trace is the first of each probe's 2 samples, so each
    // problem draws exactly the samples it was planned, and the batch no more than its total.
    const backend = createScriptedBackend({
      respond: (_, index) => ({ text: `path ${index} #### ${index % 2}`, logprob: Math.log(0.01) }),
    });
    const results = await allocateCompute([problems[0]!, problems[1]!], {
      totalSamples: 10,
      signal: "mass",
      probe: 2,
      greedyProbe: true,
      context: (_, index) => testStrategyContext({ backend, seed: 5 + index, answerFormat: hashFormat }),
    });
    const drawn = results.reduce((sum, result) => sum + result.candidates.length, 0);
    expect(drawn).toBeLessThanOrEqual(10);
    for (const result of results) expect(result.candidates).toHaveLength(result.samples);
  });

  it("with probeModel draws the probes from the cheap model and the extra samples from the main one", async () => {
    // The small model is unanimous on `easy` and split on `split` (wrongly, 3 or 4); the large one answers
    // `split` right (2) every time. Small completions are 2 tokens, large ones 5.
    const small = createScriptedBackend({
      model: "small",
      respond: (request, index) =>
        promptOf(request).includes("easy") ? "#### 1" : `#### ${3 + (index % 2)}`,
    });
    const large = createScriptedBackend({
      model: "large",
      respond: () => "so it is #### 2",
    });
    const pair = [problems[0]!, problems[1]!];
    const [easy, split] = await allocateCompute(pair, {
      totalSamples: 12,
      probe: 2,
      maxSamples: 10,
      probeModel: { name: "lab-small", backend: small },
      context: (_, index) => testStrategyContext({ backend: large, seed: index, answerFormat: hashFormat }),
    });
    const drawn = (backend: typeof small, word: string) =>
      backend.calls
        .filter((call) => promptOf(call.request).includes(word))
        .reduce((sum, call) => sum + (call.request.n ?? 1), 0);
    expect([drawn(small, "easy"), drawn(small, "split")]).toEqual([2, 2]);
    expect([drawn(large, "easy"), drawn(large, "split")]).toEqual([0, 8]);
    expect(easy).toMatchObject({ samples: 2, answer: "1" });
    expect(easy?.usageByModel).toEqual({ "lab-small": easy?.usage });
    expect(easy?.usage.completionTokens).toBe(4);
    expect(split?.samples).toBe(10);
    expect(split?.candidates).toHaveLength(10);
    // The split probe's votes are left out: the answer is the large model's majority alone.
    expect(split?.answer).toBe("2");
    expect(split?.votes).toEqual({ "2": 8 });
    expect(split?.usageByModel["lab-small"]?.completionTokens).toBe(4);
    expect(split?.usageByModel.large?.completionTokens).toBe(8 * 5);
    expect(split?.usage.completionTokens).toBe(4 + 8 * 5);
    await expect(
      allocateCompute(pair, {
        totalSamples: 4,
        allocation: "uniform",
        probeModel: { name: "lab-small", backend: small },
        context: () => testStrategyContext({ backend: large }),
      }),
    ).rejects.toThrow(/probeModel "lab-small" needs adaptive allocation on the agreement signal/);
  });

  it("gives no problem more than maxSamples, its probe included", async () => {
    const backend = scripted();
    const results = await allocateCompute(problems, {
      totalSamples: 24,
      probe: 4,
      maxSamples: 6,
      context: (_, index) => testStrategyContext({ backend, seed: 10 + index, answerFormat: hashFormat }),
    });
    // `split` and `hopeless` share the 12 samples left, but each stops at 2 extra: 6 with its probe.
    expect(results.map((result) => result.samples)).toEqual([4, 6, 6]);
    for (const result of results) expect(result.candidates.length).toBeLessThanOrEqual(6);
  });

  it("probes with 4 samples by default and caps a problem at four times the even share", async () => {
    const backend = scripted();
    const results = await allocateCompute(problems, {
      totalSamples: 15,
      context: (_, index) => testStrategyContext({ backend, seed: 10 + index, answerFormat: hashFormat }),
    });
    // A unanimous probe gets nothing more: its samples are the default probe's.
    expect(results[0]?.samples).toBe(4);
    // Of 16 samples over four problems (an even share of 4), the one whose probe found no answer takes all
    // 12 left: 13 in all, under the default cap of 16.
    const mute = createScriptedBackend({
      respond: (request) => (promptOf(request).includes("mute") ? "no idea" : "#### 1"),
    });
    const capped = await allocateCompute([{ question: "mute" }, problems[0]!, problems[0]!, problems[0]!], {
      totalSamples: 16,
      probe: 1,
      context: (_, index) =>
        testStrategyContext({ backend: mute, seed: 10 + index, answerFormat: hashFormat }),
    });
    expect(capped.map((result) => result.samples)).toEqual([13, 1, 1, 1]);
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

  it("goes on when a problem's budget ends its run before any sample, which answers nothing", async () => {
    const backend = scripted();
    const results = await allocateCompute(problems, {
      totalSamples: 6,
      allocation: "uniform",
      context: (_, index) =>
        testStrategyContext({
          backend,
          seed: 10 + index,
          answerFormat: hashFormat,
          ...(index === 1 ? { limits: { maxCalls: 0 } } : {}),
        }),
    });
    expect(results.map((result) => result.answer)).toEqual(["1", undefined, expect.any(String)]);
    expect(results[1]).toMatchObject({ partial: true, stoppedBy: "calls", candidates: [] });
    expect(results[1]?.usage.calls).toBe(0);
    expect(results[0]).toMatchObject({ partial: false, stoppedBy: "complete" });
  });

  it("charges a problem the tokens of a run its budget cut before any sample", async () => {
    // Two completion tokens allow one call, cut after two of its six tokens: no sample, but two tokens spent.
    const backend = createScriptedBackend({ respond: () => "one two three four #### 1" });
    const [result] = await allocateCompute([{ question: "a" }], {
      totalSamples: 4,
      allocation: "uniform",
      context: () =>
        testStrategyContext({ backend, answerFormat: hashFormat, limits: { maxCompletionTokens: 2 } }),
    });
    expect(result?.candidates).toHaveLength(0);
    expect(result).toMatchObject({ partial: true, stoppedBy: "completion-tokens" });
    expect(result?.usage).toMatchObject({ calls: 1, completionTokens: 2 });
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
