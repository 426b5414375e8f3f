import { describe, expect, it } from "vitest";
import { manualClock, seededRng } from "../runtime/index.ts";
import type { AnswerFormat, Backend, BudgetLimits, StrategyContext } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { characterTokensBackend } from "./character-tokens-backend.test-support.ts";
import { defaultPromptTemplate } from "./default-prompt-template.ts";
import { sampleCandidates } from "./sample-candidates.ts";

const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /####\s*(.+?)\s*$/.exec(text)?.[1],
  key: (answer) => answer.toLowerCase(),
  equivalent: (a, b) => a.toLowerCase() === b.toLowerCase(),
};

function contextFor(
  backend: Backend,
  limits: BudgetLimits = {},
  extra: { signal?: AbortSignal; clock?: ReturnType<typeof manualClock>; maxTokens?: number } = {},
): StrategyContext {
  return testStrategyContext({
    backend,
    limits,
    signal: extra.signal,
    clock: extra.clock,
    seed: 3,
    answerFormat: hashFormat,
    sampling: { temperature: 0.8, maxTokens: extra.maxTokens },
  });
}

const problem = { question: "What is 6 × 7?" };

describe("sampleCandidates", () => {
  it("asks for all n in one call, extracts answers and records a generation event per completion", async () => {
    const backend = createScriptedBackend({
      responses: [{ text: "6 × 7 = 42\n#### 42", logprob: -1.2 }, "no idea"],
    });
    const context = contextFor(backend);
    const result = await sampleCandidates({ problem, n: 3, context, logprobs: true });
    expect(result.stoppedBy).toBe("complete");
    expect(backend.calls).toHaveLength(1);
    const request = backend.calls[0]!.request;
    expect(request).toMatchObject({ n: 3, temperature: 0.8, logprobs: true });
    expect(request.seed).toBe(seededRng(3).nextSeed());
    expect(request.prompt).toEqual(defaultPromptTemplate(problem));
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["42", undefined, "42"]);
    const first = result.candidates[0]!;
    expect(first.logprob).toBeCloseTo(-1.2, 12);
    // Seven word tokens: "6", " ×", " 7", " =", " 42", "\n####", " 42".
    expect(first.meanLogprob).toBeCloseTo(-1.2 / 7, 12);
    expect(first.completionTokens).toBe(7);
    const events = context.tracer.events();
    expect(events.map((event) => event.type)).toEqual(["generation", "generation", "generation"]);
    expect(events.map((event) => event.id)).toEqual(result.candidates.map((candidate) => candidate.id));
    expect(events[0]).toMatchObject({ usage: result.usage, answer: "42", model: "scripted" });
    expect("usage" in events[1]!).toBe(false);
    expect(context.budget.spent().usage).toEqual(result.usage);
  });

  it("counts the end token's log-probability in a candidate's, not in its tokens' mean", async () => {
    const backend = createScriptedBackend({
      responses: [{ text: "6 × 7 = 42\n#### 42", logprob: -1.4, endLogprob: -0.7 }],
    });
    const context = contextFor(backend);
    const [candidate] = (await sampleCandidates({ problem, n: 1, context, logprobs: true })).candidates;
    expect(candidate?.logprob).toBeCloseTo(-1.4 - 0.7, 12);
    expect(candidate?.meanLogprob).toBeCloseTo(-1.4 / 7, 12);
    expect(context.tracer.events()[0]).toMatchObject({ logprob: candidate?.logprob });
  });

  it("asks for top alternatives and scores each candidate from its tokens as it is sampled", async () => {
    const backend = createScriptedBackend({ responses: ["a #### 1", "b c #### 2"] });
    const result = await sampleCandidates({
      problem,
      n: 2,
      context: contextFor(backend),
      topLogprobs: 3,
      scoreTokens: (tokens) => ({
        scorer: "alternatives",
        kind: "confidence",
        value: tokens.reduce((sum, token) => sum + (token.topLogprobs?.length ?? 0), 0),
      }),
    });
    expect(backend.calls[0]!.request).toMatchObject({ logprobs: true, topLogprobs: 3 });
    expect(result.candidates.map((candidate) => candidate.scores)).toEqual([
      [{ scorer: "alternatives", kind: "confidence", value: 9 }],
      [{ scorer: "alternatives", kind: "confidence", value: 12 }],
    ]);
  });

  it("watches each completion with a fresh watcher and keeps cut ones, charged their tokens up to the cut", async () => {
    const backend = createScriptedBackend({ responses: ["one two three #### 3", "#### 4", "x y z #### 5"] });
    const context = contextFor(backend);
    let made = 0;
    const result = await sampleCandidates({
      problem,
      n: 3,
      context,
      topLogprobs: 2,
      // Each watcher stops its completion at its third token: a shared one would count across them.
      watchCompletion: () => {
        made += 1;
        let seen = 0;
        return () => {
          seen += 1;
          return seen === 3 ? "stop" : "continue";
        };
      },
      scoreTokens: (tokens) => ({ scorer: "length", kind: "confidence", value: tokens.length }),
    });
    expect(made).toBe(3);
    expect(result.candidates.map((candidate) => candidate.finishReason)).toEqual(["cut", "stop", "cut"]);
    expect(result.candidates.map((candidate) => candidate.text)).toEqual([
      "one two three",
      "#### 4",
      "x y z",
    ]);
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual([undefined, "4", undefined]);
    expect(result.candidates.map((candidate) => candidate.completionTokens)).toEqual([3, 2, 3]);
    expect(result.candidates.map((candidate) => candidate.scores[0]?.value)).toEqual([3, 2, 3]);
    expect(context.budget.spent().usage.completionTokens).toBe(8);
    const events = context.tracer.events();
    expect(events.map((event) => (event.type === "generation" ? event.finishReason : event.type))).toEqual([
      "cut",
      "stop",
      "cut",
    ]);
  });

  it("refuses to watch on a backend without watchTokens, before spending anything", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"], capabilities: { watchTokens: false } });
    const context = contextFor(backend);
    await expect(
      sampleCandidates({ problem, n: 2, context, watchCompletion: () => () => "continue" }),
    ).rejects.toMatchObject({ capability: "watchTokens" });
    expect(backend.calls).toHaveLength(0);
  });

  it("prefers the problem's own prompt and lets the caller override sampling", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    const own = { kind: "text", text: "6*7=" } as const;
    await sampleCandidates({
      problem: { ...problem, prompt: own },
      n: 1,
      context: contextFor(backend),
      sampling: { temperature: 0 },
    });
    expect(backend.calls[0]!.request.prompt).toEqual(own);
    expect(backend.calls[0]!.request.temperature).toBe(0);
  });

  it("stops at the call limit of a backend that fans out, and says so", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"], capabilities: { n: false } });
    const result = await sampleCandidates({ problem, n: 8, context: contextFor(backend, { maxCalls: 3 }) });
    expect(result.candidates).toHaveLength(3);
    expect(result.stoppedBy).toBe("calls");
    expect(backend.calls).toHaveLength(3);
  });

  it("spends one call on a native-n backend however small the call limit", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    const result = await sampleCandidates({ problem, n: 8, context: contextFor(backend, { maxCalls: 1 }) });
    expect(result.candidates).toHaveLength(8);
    expect(result.stoppedBy).toBe("complete");
  });

  it("under a token limit, measures one completion first, then sizes the rest to fit", async () => {
    const text = "a b c d e f g h i #### 7";
    const backend = createScriptedBackend({ responses: [text] });
    const context = contextFor(backend, { maxTotalTokens: 120 }, { maxTokens: 1000 });
    const result = await sampleCandidates({ problem, n: 8, context });
    const completionTokens = text.split(" ").length;
    const firstEvent = context.tracer.events()[0]!;
    const promptTokens = firstEvent.type === "generation" ? firstEvent.usage!.promptTokens! : Number.NaN;
    // 8 × (completion + prompt) would not fit and nothing is measured yet: one completion first.
    const afterProbe = 120 - (promptTokens + completionTokens);
    // Then as many as fit in one native-n call: prompt once, completions each.
    const secondBatch = Math.floor((afterProbe - promptTokens) / completionTokens);
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, secondBatch]);
    expect(result.candidates).toHaveLength(1 + secondBatch);
    expect(result.stoppedBy).toBe("tokens");
    const spent = context.budget.spent().usage;
    // Never starts a call it cannot afford: the total stays within the limit.
    expect((spent.promptTokens ?? 0) + (spent.completionTokens ?? 0)).toBeLessThanOrEqual(120);
  });

  it("returns what it has when the caller aborts mid-way", async () => {
    const controller = new AbortController();
    const backend = createScriptedBackend({
      responses: ["#### 1"],
      onCall: (_request, callIndex) => {
        if (callIndex === 1) controller.abort();
      },
      capabilities: { n: false },
    });
    const context = contextFor(backend, {}, { signal: controller.signal });
    const first = await sampleCandidates({ problem, n: 1, context });
    const second = await sampleCandidates({ problem, n: 2, context });
    expect(first.candidates).toHaveLength(1);
    expect(second.candidates).toHaveLength(0);
    expect(second.stoppedBy).toBe("abort");
  });

  it("does not start a call after the time limit passed", async () => {
    const clock = manualClock();
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    const context = contextFor(backend, { maxMilliseconds: 100 }, { clock });
    clock.advance(100);
    const result = await sampleCandidates({ problem, n: 2, context });
    expect(result).toMatchObject({ candidates: [], stoppedBy: "time" });
    expect(backend.calls).toHaveLength(0);
    expect(context.signal.aborted).toBe(true);
  });
});

describe("sampleCandidates with a backend that reports no tokens", () => {
  it("notes that token limits cannot be enforced and does not crawl one completion at a time", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"], usage: "unreported" });
    const context = contextFor(backend, { maxTotalTokens: 100 });
    const result = await sampleCandidates({ problem, n: 6, context });
    expect(result.candidates).toHaveLength(6);
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 5]);
    expect(context.tracer.events().filter((event) => event.type === "note")).toHaveLength(1);
  });
});

describe("sampleCandidates with a backend that counts prompt tokens", () => {
  // 20 characters, so 20 tokens to a tokenizer of single characters (the estimate says 5).
  const counted = { question: "unused", prompt: { kind: "text" as const, text: "Q: 123+45+67+89=? A:" } };
  const totalOf = (context: StrategyContext) => {
    const spent = context.budget.spent().usage;
    return (spent.promptTokens ?? 0) + (spent.completionTokens ?? 0);
  };

  it("sizes the first call by the counted prompt: budget 30 on a 20-token prompt asks 10 tokens at most", async () => {
    const backend = characterTokensBackend({ completionTokens: 15 });
    const context = contextFor(backend, { maxTotalTokens: 30 });
    const result = await sampleCandidates({ problem: counted, n: 2, context });
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([10]);
    expect(result.candidates.map((candidate) => candidate.completionTokens)).toEqual([10]);
    expect(result.stoppedBy).toBe("tokens");
    expect(totalOf(context)).toBe(30);
    expect(result.usage).toMatchObject({ promptTokens: 20, completionTokens: 10, calls: 1 });
  });

  it("counts the prompt once however many calls it makes, then sizes them by the tokens reported", async () => {
    const backend = characterTokensBackend({ completionTokens: 4 });
    const context = contextFor(backend, { maxTotalTokens: 60 });
    const result = await sampleCandidates({ problem: counted, n: 3, context });
    expect(backend.counted).toEqual([counted.prompt]);
    // A measuring call of 24 tokens; then, of the 36 left, a 20-token prompt and 4 tokens for each of 2.
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 2]);
    expect(result.stoppedBy).toBe("complete");
    expect(totalOf(context)).toBe(24 + 28);
  });

  it("makes no call when the prompt alone does not fit, and stops by tokens", async () => {
    for (const maxTotalTokens of [15, 20]) {
      const backend = characterTokensBackend({ completionTokens: 15 });
      const context = contextFor(backend, { maxTotalTokens });
      const result = await sampleCandidates({ problem: counted, n: 2, context });
      expect(result).toMatchObject({ candidates: [], stoppedBy: "tokens" });
      expect(backend.calls).toHaveLength(0);
      expect(totalOf(context)).toBe(0);
    }
  });

  it("keeps the estimate of four characters a token on a backend that cannot count", async () => {
    const backend = characterTokensBackend({ completionTokens: 30, counts: false });
    const context = contextFor(backend, { maxTotalTokens: 30 });
    const result = await sampleCandidates({ problem: counted, n: 2, context });
    // 30 − 5 estimated: the prompt's 20 tokens are only known once the call reports them.
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([25]);
    expect(result.stoppedBy).toBe("tokens");
    expect(totalOf(context)).toBe(45);
  });
});
