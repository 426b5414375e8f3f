import { describe, expect, it } from "vitest";
import {
  createOpenAICompatibleBackend,
  type OpenAICompatibleBackend,
} from "../backends/openai-compatible/index.ts";
import { manualClock, seededRng } from "../runtime/index.ts";
import { configRefusal } from "../runtime/rejection.test-support.ts";
import type { AnswerFormat, Backend, BudgetLimits, StrategyContext } from "../spec/index.ts";
import { createScriptedBackend, startFakeOpenAIServer, testStrategyContext } from "../testing/index.ts";
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

  it("records each token score as a score event under its generation, charging nothing for it", async () => {
    const backend = createScriptedBackend({ responses: ["a #### 1", "b c #### 2", "d #### 3"] });
    const context = contextFor(backend);
    const result = await sampleCandidates({
      problem,
      n: 3,
      context,
      topLogprobs: 2,
      // The second completion gets a placeholder (no number yet), the others their token count.
      scoreTokens: (tokens) => ({
        scorer: "length",
        kind: "confidence",
        value: tokens.length === 4 ? Number.NaN : tokens.length,
        detail: `${tokens.length} tokens`,
      }),
    });
    const [first, second, third] = result.candidates.map((candidate) => candidate.id);
    const scores = context.tracer.events().filter((event) => event.type === "score");
    expect(scores).toMatchObject([
      { parentId: first, scorer: "length", value: 3, detail: "3 tokens" },
      { parentId: third, scorer: "length", value: 3, detail: "3 tokens" },
    ]);
    expect(scores.some((event) => event.parentId === second)).toBe(false);
    // Scored from tokens already paid for: no scorer call, no usage on the event.
    expect(context.budget.spent().scoreCalls).toBe(0);
    expect(scores.every((event) => event.type === "score" && event.usage === undefined)).toBe(true);
    expect(context.budget.spent().usage).toEqual(result.usage);
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
      "score",
      "score",
      "score",
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

describe("sampleCandidates under a budget that cuts a sample", () => {
  it("drops a sample cut at the maxTokens the budget lowered, keeps those that finished, and stops by its limit", async () => {
    // Word tokens: samples of 2 and 10 tokens in turn; the prompt is "Q: 6*7=? A:", 3 tokens. One sample
    // measures (2 tokens), then a call of two is asked for half of what is left each: 6, or 5.
    const own = { question: "6*7=?", prompt: { kind: "text", text: "Q: 6*7=? A:" } } as const;
    for (const [limits, limit, cap] of [
      [{ maxTotalTokens: 20 }, "tokens", 6],
      [{ maxCompletionTokens: 12 }, "completion-tokens", 5],
    ] as const) {
      const backend = createScriptedBackend({ responses: ["#### 42", "x x x x x x x x #### 41"] });
      const context = contextFor(backend, limits);
      const result = await sampleCandidates({ problem: own, n: 3, context });
      expect(backend.calls.map((call) => [call.request.n, call.request.maxTokens]).at(-1)).toEqual([2, cap]);
      expect(result.candidates.map((candidate) => [candidate.text, candidate.finishReason])).toEqual([
        ["#### 42", "stop"],
        ["#### 42", "stop"],
      ]);
      expect(result.stoppedBy).toBe(limit);
      const cut = context.tracer
        .events()
        .filter((event) => event.type === "generation" && event.finishReason === "length");
      expect(cut).toHaveLength(1);
    }
  });

  it("keeps a sample that ends at the request's own maxTokens, which the budget did not lower", async () => {
    const backend = createScriptedBackend({ responses: ["x x x x x x x x #### 41"] });
    const context = contextFor(backend, { maxTotalTokens: 1_000 }, { maxTokens: 4 });
    const result = await sampleCandidates({ problem, n: 2, context });
    expect(backend.calls.map((call) => [call.request.n, call.request.maxTokens])).toEqual([[2, 4]]);
    expect(result.candidates.map((candidate) => [candidate.text, candidate.finishReason])).toEqual([
      ["x x x x", "length"],
      ["x x x x", "length"],
    ]);
    expect(result.stoppedBy).toBe("complete");
  });

  it("keeps a sample the context's end cut short of the budget's cap: fewer tokens than asked", async () => {
    const backend = createScriptedBackend({ responses: [{ text: "x x x", finishReason: "length" }] });
    const context = contextFor(backend, { maxCompletionTokens: 100 });
    const result = await sampleCandidates({ problem, n: 1, context });
    expect(backend.calls[0]!.request.maxTokens).toBe(100);
    expect(result).toMatchObject({
      candidates: [{ text: "x x x", finishReason: "length" }],
      stoppedBy: "complete",
    });
  });
});

describe("sampleCandidates checks its options", () => {
  const backend = createScriptedBackend({ responses: ["#### 1"] });
  const refusal = (options: unknown) =>
    configRefusal(() => sampleCandidates(options as Parameters<typeof sampleCandidates>[0]));

  it.each([
    [0, "0"],
    [-1, "-1"],
    [1.5, "1.5"],
    ["2", '"2"'],
  ])("refuses n = %j, naming sampleCandidates", async (n, shown) => {
    const error = await refusal({ problem, n, context: contextFor(backend) });
    expect(error.message).toBe(`sampleCandidates: n must be an integer ≥ 1, got ${shown}`);
    expect(error.field).toBe("n");
  });

  it("refuses an unknown key, such as a sampling setting outside sampling", async () => {
    const error = await refusal({ problem, n: 1, context: contextFor(backend), temperature: 0 });
    expect(error.message).toMatch(
      /^sampleCandidates: temperature: unknown key \(sampleCandidates takes problem, n, context, sampling,/,
    );
    expect(error.field).toBe("temperature");
    const typo = await refusal({ problem, n: 1, context: contextFor(backend), sampling: { temp: 0 } });
    expect(typo.message).toMatch(
      /^sampleCandidates: sampling\.temp: unknown key \(sampling takes temperature,/,
    );
  });

  it("names a missing context or problem instead of failing on it", async () => {
    const noContext = await refusal({ problem, n: 1 });
    expect(noContext.message).toBe(
      "sampleCandidates: context: missing; expected a strategy context (an object with backend, budget, rng, clock, tracer, …)",
    );
    const noBackend = await refusal({
      problem,
      n: 1,
      context: { ...contextFor(backend), backend: undefined },
    });
    expect(noBackend.message).toMatch(/^sampleCandidates: context\.backend: missing; expected a backend/);
    const noProblem = await refusal({ n: 1, context: contextFor(backend) });
    expect(noProblem.field).toBe("problem");
    expect(backend.calls).toHaveLength(0);
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
    // The 15-token sample cut at 10 by the budget is charged and recorded, but no candidate.
    expect(result.candidates).toEqual([]);
    expect(result.stoppedBy).toBe("tokens");
    expect(totalOf(context)).toBe(30);
    expect(result.usage).toMatchObject({ promptTokens: 20, completionTokens: 10, calls: 1 });
    expect(context.tracer.events()).toMatchObject([
      { type: "generation", finishReason: "length", completionTokens: 10 },
      { type: "note", message: expect.stringContaining("cut at 10 tokens by the budget's tokens limit") },
    ]);
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

  it("sizes later calls by the prompt tokens calls reported, not by the first estimate from characters", async () => {
    const backend = characterTokensBackend({ completionTokens: 4, counts: false });
    const context = contextFor(backend, { maxTotalTokens: 50 });
    const result = await sampleCandidates({ problem: counted, n: 3, context });
    // A measuring call of 20 + 4; of the 26 left, two more would cost 20 + 8 = 28 with the reported prompt,
    // so one more (24 + 24 = 48), leaving 2. Sized by the 5-token estimate, the second call would ask for two.
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 1]);
    expect(result.candidates).toHaveLength(2);
    expect(totalOf(context)).toBe(48);
  });
});

describe("sampleCandidates on a backend that charges the prompt once per completion", () => {
  // 20 characters, so 20 tokens to a tokenizer of single characters, charged for each completion.
  const counted = { question: "unused", prompt: { kind: "text" as const, text: "Q: 123+45+67+89=? A:" } };
  const perCompletion = { promptPerCompletion: true };
  const spentOf = (context: StrategyContext) => context.budget.spent().usage;

  it("sizes a call of several completions with a prompt for each, so the budget holds", async () => {
    const backend = characterTokensBackend({ completionTokens: 30, capabilities: perCompletion });
    const context = contextFor(backend, { maxTotalTokens: 140 });
    const result = await sampleCandidates({ problem: counted, n: 4, context });
    // A measuring call of 20 + 30; of the 90 left two more would cost 2 × (20 + 30) = 100, so one more;
    // then 40 are left, below one sample's 50. Sized with one prompt for both, the second call would ask
    // for two and spend 150.
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 1]);
    expect(result.candidates).toHaveLength(2);
    expect(result.stoppedBy).toBe("tokens");
    expect(spentOf(context)).toEqual({ promptTokens: 40, completionTokens: 60, calls: 2 });
  });

  it("caps a call's maxTokens with a prompt for each of its completions taken from what is left", async () => {
    // Word tokens: a 3-token prompt (estimated right from its 11 characters), a 2-token sample to measure,
    // then 10-token ones that the sizing does not expect.
    const backend = createScriptedBackend({
      responses: ["#### 2", ...Array.from({ length: 7 }, () => "a a a a a a a a #### 1")],
      capabilities: perCompletion,
    });
    const context = contextFor(backend, { maxTotalTokens: 40 });
    const short = { question: "2+2=?", prompt: { kind: "text" as const, text: "Q: 2+2=? A:" } };
    const result = await sampleCandidates({ problem: short, n: 8, context });
    // 5 to measure; of the 35 left, 7 × 3 prompt tokens leave 2 for each of 7. A cap that took one prompt
    // off would allow (35 − 3) / 7 = 4 each and spend 49 of the 35.
    expect(backend.calls.map((call) => [call.request.n, call.request.maxTokens])).toEqual([
      [1, 37],
      [7, 2],
    ]);
    expect(result).toMatchObject({ stoppedBy: "tokens" });
    expect(result.candidates.map((candidate) => candidate.text)).toEqual(["#### 2"]);
    expect(spentOf(context)).toEqual({ promptTokens: 24, completionTokens: 16, calls: 2 });
  });

  it("learns the prompt's tokens per completion from a call of several, not per request", async () => {
    // Word tokens: a 3-token prompt (estimated right from its 11 characters), a 10-token sample, then
    // 2-token ones.
    const backend = createScriptedBackend({
      responses: ["a a a a a a a a #### 1", ...Array.from({ length: 8 }, () => "#### 2")],
      capabilities: perCompletion,
    });
    const context = contextFor(backend, { maxTotalTokens: 60 });
    const short = { question: "2+2=?", prompt: { kind: "text" as const, text: "Q: 2+2=? A:" } };
    const result = await sampleCandidates({ problem: short, n: 8, context });
    // 13 to measure; 3 × (3 + 10) = 39 of the 47 left, spending 3 × (3 + 2) = 15; then, of the 32 left, 4
    // samples of 3 + 4 (the mean so far) = 28. Reading the second call's 9 prompt tokens as one prompt
    // (9 / 2 calls a prompt) would afford only 3.
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 3, 4]);
    expect(result.candidates).toHaveLength(8);
    expect(result.stoppedBy).toBe("complete");
    const spent = spentOf(context);
    expect(spent).toEqual({ promptTokens: 24, completionTokens: 24, calls: 3 });
  });
});

describe("sampleCandidates on an HTTP backend cut while it probes the server", () => {
  it("returns no candidates, stopped by the abort or the time limit, and sends no sampling request", async () => {
    const server = await startFakeOpenAIServer({
      handler: (request) => ({
        choices: Array.from({ length: request.n }, () => "#### 4"),
        // The capability probe (one token) is held; samples would be answered at once.
        delivery: { headerDelayMilliseconds: request.body?.max_tokens === 1 ? 2_000 : 0 },
      }),
    });
    const backends: OpenAICompatibleBackend[] = [];
    const cold = () => {
      const backend = createOpenAICompatibleBackend({ baseUrl: server.url, model: "fake-model" });
      backends.push(backend);
      return backend;
    };
    try {
      const problem = { question: "2+2?", prompt: { kind: "text", text: "2+2?" } } as const;
      const preaborted = contextFor(cold(), {}, { signal: AbortSignal.abort() });
      expect(await sampleCandidates({ problem, n: 4, context: preaborted })).toEqual({
        candidates: [],
        stoppedBy: "abort",
        usage: { promptTokens: 0, completionTokens: 0, calls: 0 },
      });
      expect(server.requests).toHaveLength(0);

      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("the caller gave up")), 30);
      const aborted = contextFor(cold(), {}, { signal: controller.signal });
      expect(await sampleCandidates({ problem, n: 4, context: aborted })).toMatchObject({
        candidates: [],
        stoppedBy: "abort",
      });

      const clock = manualClock();
      setTimeout(() => clock.advance(50), 30);
      const timed = contextFor(cold(), { maxMilliseconds: 50 }, { clock });
      expect(await sampleCandidates({ problem, n: 4, context: timed })).toMatchObject({
        candidates: [],
        stoppedBy: "time",
      });
      // Probes at most (a cut can come before a probe reaches the server), and no sample.
      const sent = server.requests.map((request) => request.body?.max_tokens);
      expect(sent.length).toBeLessThanOrEqual(2);
      expect(sent.every((maxTokens) => maxTokens === 1)).toBe(true);
      expect(aborted.budget.spent().usage.calls + timed.budget.spent().usage.calls).toBe(0);
    } finally {
      await Promise.all(backends.map((backend) => backend.dispose()));
      await server.close();
    }
  });
});
