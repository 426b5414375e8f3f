import { describe, expect, it } from "vitest";
import { CapabilityError, ConfigError, DisposedError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type { GenerationRequest, GenerationResult } from "../spec/index.ts";
import { createScriptedBackend, type ScriptedBackendOptions } from "./scripted-backend.ts";

const prompt = { kind: "text", text: "Q: 1+1=? A:" } as const;

describe("createScriptedBackend", () => {
  it("returns scripted responses in turn, with n natively in one call, and records the call", async () => {
    const backend = createScriptedBackend({
      responses: ["one two", { text: "three", finishReason: "length" }],
    });
    const result = await backend.generate({ prompt, n: 3 });
    expect(result.completions.map((completion) => completion.text)).toEqual(["one two", "three", "one two"]);
    expect(result.completions.map((completion) => completion.index)).toEqual([0, 1, 2]);
    expect(result.completions[1]!.finishReason).toBe("length");
    expect(result.completions.map((completion) => completion.completionTokens)).toEqual([2, 1, 2]);
    expect(result.usage).toEqual({ promptTokens: 3, completionTokens: 5, calls: 1 });
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.request.n).toBe(3);
    expect(result.completions[0]!.tokens).toBeUndefined();
  });

  it("fans out into n requests when it lacks native n", async () => {
    const backend = createScriptedBackend({ responses: ["a", "b"], capabilities: { n: false } });
    const result = await backend.generate({ prompt, n: 3, seed: 10 });
    expect(result.completions).toHaveLength(3);
    expect(result.usage.calls).toBe(3);
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 1, 1]);
    expect(backend.calls.map((call) => call.request.seed)).toEqual([10, 11, 12]);
  });

  it("synthesises log-probabilities: the given total spread over tokens, or −0.1 per token", async () => {
    const backend = createScriptedBackend({
      responses: [{ text: "x y z w", logprob: -2 }, "p q"],
    });
    const result = await backend.generate({ prompt, n: 2, logprobs: true, topLogprobs: 3 });
    const [first, second] = result.completions;
    expect(first!.tokens!.map((token) => token.logprob)).toEqual([-0.5, -0.5, -0.5, -0.5]);
    expect(first!.tokens!.map((token) => token.token).join("")).toBe("x y z w");
    expect(first!.tokens![0]!.topLogprobs).toHaveLength(3);
    expect(second!.tokens!.map((token) => token.logprob)).toEqual([-0.1, -0.1]);
    const without = createScriptedBackend({ responses: ["a b"], capabilities: { logprobs: false } });
    expect((await without.generate({ prompt, logprobs: true })).completions[0]!.tokens).toBeUndefined();
  });

  it("draws answers from a distribution, reproducibly by seed, and picks the mode at temperature 0", async () => {
    const distribution = { A: 0.5, B: 0.3, C: 0.2 };
    const backend = createScriptedBackend({ answers: { distribution } });
    const draw = async (seed: number) =>
      (await backend.generate({ prompt, n: 20, seed, temperature: 1 })).completions.map((c) => c.text.at(-1));
    expect(await draw(5)).toEqual(await draw(5));
    expect(await draw(5)).not.toEqual(await draw(6));
    const greedy = await backend.generate({ prompt, n: 5, temperature: 0, logprobs: true });
    expect(greedy.completions.map((completion) => completion.text)).toEqual(
      new Array(5).fill("The answer is A.\n#### A"),
    );
    const total = greedy.completions[0]!.tokens!.reduce((sum, token) => sum + token.logprob, 0);
    expect(total).toBeCloseTo(Math.log(0.5), 12);
    // Frequencies follow the distribution.
    const many = (await backend.generate({ prompt, n: 3000, seed: 1, temperature: 1 })).completions;
    const shareOfB = many.filter((completion) => completion.text.endsWith("B")).length / many.length;
    expect(Math.abs(shareOfB - 0.3)).toBeLessThan(3 * Math.sqrt((0.3 * 0.7) / 3000));
  });

  it("passes each completion's running index and the request to respond", async () => {
    const seen: [number, number | undefined][] = [];
    const backend = createScriptedBackend({
      respond: (request: GenerationRequest, index) => {
        seen.push([index, request.temperature]);
        return `#${index}`;
      },
    });
    await backend.generate({ prompt, n: 2, temperature: 0.5 });
    await backend.generate({ prompt, n: 1 });
    expect(seen).toEqual([
      [0, 0.5],
      [1, 0.5],
      [2, undefined],
    ]);
  });

  it("cuts a completion where its token watcher says stop, natively and fanned out", async () => {
    for (const n of [true, false]) {
      const backend = createScriptedBackend({
        responses: ["a b c d", "e f", "g h i"],
        capabilities: { n },
      });
      const heard: string[] = [];
      const result = await backend.generate(
        { prompt, n: 3, topLogprobs: 2 },
        {
          watch: (index, token) => {
            heard.push(`${index}:${token.token.trim()}`);
            expect(token.topLogprobs).toHaveLength(2);
            return token.token.trim() === "b" || token.token.trim() === "h" ? "stop" : "continue";
          },
        },
      );
      expect(result.completions.map((completion) => completion.text)).toEqual(["a b", "e f", "g h"]);
      expect(result.completions.map((completion) => completion.finishReason)).toEqual(["cut", "stop", "cut"]);
      expect(result.completions.map((completion) => completion.completionTokens)).toEqual([2, 2, 2]);
      expect(result.completions.map((completion) => completion.tokens?.length)).toEqual([2, 2, 2]);
      expect(result.usage.completionTokens).toBe(6);
      expect([...heard].sort()).toEqual(["0:a", "0:b", "1:e", "1:f", "2:g", "2:h"]);
    }
    const blind = createScriptedBackend({ responses: ["a"], capabilities: { watchTokens: false } });
    await expect(blind.generate({ prompt }, { watch: () => "continue" })).rejects.toSatisfy(
      (error) => CapabilityError.isInstance(error) && error.capability === "watchTokens",
    );
  });

  it("honours maxTokens as a real backend does: a longer completion ends there, finish reason length", async () => {
    const responses = [
      { text: "one two three four five six seven eight nine ten", endLogprob: -0.2 },
      { text: "a b", endLogprob: -0.3 },
      { text: "p q r s t", stallAfterTokens: 4 },
    ];
    for (const fanned of [false, true]) {
      const backend = createScriptedBackend({ responses, capabilities: { n: !fanned } });
      // The stall after 4 tokens comes past the 3 allowed: that completion ends, it does not stall.
      const result = await backend.generate({ prompt, n: 3, maxTokens: 3, logprobs: true });
      expect(
        result.completions.map((completion) => [
          completion.text,
          completion.finishReason,
          completion.completionTokens,
          completion.tokens?.length,
          completion.endLogprob,
        ]),
      ).toEqual([
        ["one two three", "length", 3, 3, undefined],
        ["a b", "stop", 2, 2, -0.3],
        ["p q r", "length", 3, 3, undefined],
      ]);
      expect(result.usage.completionTokens).toBe(8);
    }
    const exact = createScriptedBackend({ responses: ["one two three"] });
    const whole = await exact.generate({ prompt, maxTokens: 3 });
    expect(whole.completions[0]).toMatchObject({ text: "one two three", finishReason: "stop" });
  });

  it("leaves usage unreported when told to", async () => {
    const backend = createScriptedBackend({ responses: ["a b c"], usage: "unreported" });
    const result = await backend.generate({ prompt });
    expect(result.usage).toEqual({ promptTokens: undefined, completionTokens: undefined, calls: 1 });
    expect(result.completions[0]!.completionTokens).toBeUndefined();
  });

  it("honours an abort signal, before and during a call", async () => {
    const backend = createScriptedBackend({ responses: ["a"], delayMilliseconds: 5_000 });
    await expect(backend.generate({ prompt }, { signal: AbortSignal.abort() })).rejects.toThrow();
    const controller = new AbortController();
    const pending = backend.generate({ prompt }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 10);
    await expect(pending).rejects.toThrow("stop");
    expect(backend.calls.every((call) => call.hadSignal)).toBe(true);
  });

  it("stalls a completion after its first tokens until the abort, then tells onAborted what was done", async () => {
    const responses = ["one two three", { text: "four five six seven", stallAfterTokens: 2 }];
    for (const fanned of [false, true]) {
      const backend = createScriptedBackend({ responses, capabilities: { n: !fanned } });
      const controller = new AbortController();
      const partials: GenerationResult[] = [];
      const pending = backend.generate(
        { prompt, n: 2, logprobs: true },
        { signal: controller.signal, onAborted: (partial) => partials.push(partial) },
      );
      setTimeout(() => controller.abort(new Error("deadline")), 5);
      await expect(pending).rejects.toThrow("deadline");
      expect(partials).toHaveLength(1);
      const [partial] = partials;
      expect(partial!.completions.map((completion) => [completion.text, completion.finishReason])).toEqual([
        ["one two three", "stop"],
        ["four five", "abort"],
      ]);
      expect(partial!.completions[1]!.completionTokens).toBe(2);
      expect(partial!.completions[1]!.tokens).toHaveLength(2);
      // Prompt "Q: 1+1=? A:" is 3 tokens, read once per request.
      expect(partial!.usage).toEqual({
        promptTokens: fanned ? 6 : 3,
        completionTokens: 5,
        calls: fanned ? 2 : 1,
      });
    }
  });

  it("refuses a stalled completion in a call that cannot be aborted, and tells nothing when never aborted", async () => {
    const stalled = createScriptedBackend({ responses: [{ text: "a b", stallAfterTokens: 1 }] });
    await expect(stalled.generate({ prompt })).rejects.toThrow(
      /stallAfterTokens: .*expected a call with a signal/,
    );
    const bad = createScriptedBackend({ responses: [{ text: "a b", stallAfterTokens: -1 }] });
    await expect(bad.generate({ prompt }, { signal: new AbortController().signal })).rejects.toThrow(
      "stallAfterTokens: expected an integer ≥ 0, got -1",
    );
    const told: GenerationResult[] = [];
    const plain = createScriptedBackend({ responses: ["a b"] });
    await plain.generate(
      { prompt, n: 2 },
      { signal: new AbortController().signal, onAborted: (p) => told.push(p) },
    );
    await expect(
      plain.generate({ prompt }, { signal: AbortSignal.abort(), onAborted: (p) => told.push(p) }),
    ).rejects.toThrow();
    expect(told).toEqual([]);
  });

  it("scores continuations when it has the capability, and not otherwise", async () => {
    const backend = createScriptedBackend({ responses: ["a"] });
    const scored = await backend.score!({ prompt, continuation: " 2 ." });
    expect(scored.tokens).toHaveLength(2);
    expect(scored.logprob).toBeCloseTo(-0.2, 12);
    expect(backend.scoreCalls).toHaveLength(1);
    expect(createScriptedBackend({ responses: ["a"], capabilities: { score: false } }).score).toBeUndefined();
  });

  it("refuses bad options and use after disposal", async () => {
    expect(() => createScriptedBackend({})).toThrow(ConfigError);
    expect(() => createScriptedBackend({ responses: [] })).toThrow(/responses is empty/);
    expect(() => createScriptedBackend({ answers: { distribution: { A: -1 } } })).toThrow(
      /probability ≥ 0, got -1/,
    );
    const backend = createScriptedBackend({ responses: ["a"] });
    await backend.dispose!();
    await expect(backend.generate({ prompt })).rejects.toThrow(DisposedError);
  });

  it("refuses, before answering or recording it, a request every real backend refuses", async () => {
    const backend = createScriptedBackend({ responses: ["a"] });
    const refusals: [Partial<GenerationRequest>, string][] = [
      [{ temperature: -1 }, "generate: request.temperature must be a number ≥ 0, got -1"],
      [{ maxTokens: 0 }, "generate: request.maxTokens must be an integer ≥ 1, got 0"],
      [{ topP: 5 }, "generate: request.topP must be a number ≤ 1, got 5"],
      [{ n: 0 }, "generate: request.n must be an integer ≥ 1, got 0"],
      [
        { stop: "x" as unknown as string[] },
        'generate: request.stop must be an array of non-empty strings, got "x"',
      ],
    ];
    for (const [change, message] of refusals) {
      const refused = backend.generate({ prompt, ...change });
      await expect(refused).rejects.toThrow(ConfigError);
      await expect(refused).rejects.toThrow(message);
    }
    expect(backend.calls).toHaveLength(0);
    // The edges of each range are answered.
    await backend.generate({ prompt, temperature: 0, maxTokens: 1, topP: 1, stop: ["\n"] });
    expect(backend.calls).toHaveLength(1);
  });
});

describe("a scripted backend under a run's deadline", () => {
  it("has the run charge the tokens of samples the deadline aborted mid-way, and count their calls", async () => {
    // Two samples finish at once; two stall after 3 tokens until the deadline aborts them.
    const finished = "so 6 × 7 = 42\n#### 42";
    const stalled = { text: "first 6 × 7 is 42 so\n#### 42", stallAfterTokens: 3 };
    const backend = createScriptedBackend({
      responses: [finished, finished, stalled, stalled],
      capabilities: { n: false },
    });
    const result = await solve({
      problem: "What is 6 × 7?",
      strategy: "sc@4",
      backend,
      budget: { maxMilliseconds: 20 },
    });
    expect(result.partial).toBe(true);
    expect(result.stoppedBy).toBe("time");
    // The anytime answer is voted over the two samples that finished.
    expect(result.answer).toBe("42");
    expect(result.candidates).toHaveLength(2);
    // Each finished sample wrote 8 tokens ("so", "6", "×", "7", "=", "42", newline + "####", "42"), each aborted one 3,
    // and every one of the 4 requests read the prompt.
    const read = await backend.generate({ prompt: backend.calls[0]!.request.prompt });
    expect(read.usage.promptTokens).toBeGreaterThan(0);
    expect(result.usage).toEqual({
      promptTokens: 4 * read.usage.promptTokens!,
      completionTokens: 2 * 8 + 2 * 3,
      calls: 4,
    });
    // The trace says so too: every sample is a generation event, the aborted ones marked by their end.
    const generations = result.trace.filter((event) => event.type === "generation");
    expect(generations.map((event) => event.finishReason).sort()).toEqual(["abort", "abort", "stop", "stop"]);
    const traced = generations.reduce((sum, event) => sum + (event.usage?.completionTokens ?? 0), 0);
    expect(traced).toBe(22);
  });

  it("refuses a misspelled key rather than keeping the default it meant to change", () => {
    // @ts-expect-error: `modle` is no option; the check is for callers the compiler does not see.
    const misspelled = () => createScriptedBackend({ responses: ["x"], modle: "m" });
    expect(misspelled).toThrow(ConfigError);
    expect(misspelled).toThrow(
      "createScriptedBackend: modle: unknown key (createScriptedBackend takes responses, respond, answers, " +
        "capabilities, usage, model, seed, onCall, delayMilliseconds)",
    );
    expect(() => createScriptedBackend(undefined as never)).toThrow(
      "createScriptedBackend: expected an options object { responses, respond, answers, … }; got undefined",
    );
  });

  it("takes every documented key", async () => {
    const seen: number[] = [];
    const options: Required<ScriptedBackendOptions> = {
      responses: ["one two"],
      respond: () => "unused",
      answers: { distribution: { "1": 1 } },
      capabilities: { n: false },
      usage: "unreported",
      model: "m",
      seed: 4,
      onCall: (_request, callIndex) => {
        seen.push(callIndex);
      },
      delayMilliseconds: 0,
    };
    // Exactly one source of completions at a time; every other key with each of them.
    const { respond: _respond, answers: _answers, ...withResponses } = options;
    const backend = createScriptedBackend(withResponses);
    expect(backend.describe().model).toBe("m");
    expect((await backend.capabilities()).n).toBe(false);
    const result = await backend.generate({ prompt, n: 2 });
    expect(result.usage.promptTokens).toBeUndefined();
    expect(seen).toEqual([0, 1]);
    const { responses: _responses, answers: _unused, ...withRespond } = options;
    expect(createScriptedBackend(withRespond).describe().model).toBe("m");
    const { responses: _list, respond: _function, ...withAnswers } = options;
    expect(createScriptedBackend(withAnswers).describe().model).toBe("m");
  });
});
