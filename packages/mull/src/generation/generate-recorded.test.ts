import { describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { manualClock } from "../runtime/index.ts";
import type { Backend, GenerationEvent, NoteEvent, TraceEvent } from "../spec/index.ts";
import {
  createScriptedBackend,
  type ScriptedBackendOptions,
  startFakeOpenAIServer,
  testStrategyContext,
} from "../testing/index.ts";
import { usageByModel } from "../trace/index.ts";
import { generateRecorded } from "./generate-recorded.ts";

const prompt = { kind: "text", text: "Q: 6 × 7? A:" } as const;
const promptTokens = 5;

function generations(events: readonly TraceEvent[]): GenerationEvent[] {
  return events.filter((event): event is GenerationEvent => event.type === "generation");
}

function notes(events: readonly TraceEvent[]): string[] {
  return events.filter((event): event is NoteEvent => event.type === "note").map((event) => event.message);
}

/** A context whose run the caller aborts once the backend's call has begun. */
function abortedMidCall(options: ScriptedBackendOptions, limits = {}) {
  const controller = new AbortController();
  const backend = createScriptedBackend({
    ...options,
    onCall: () => {
      setTimeout(() => controller.abort(new Error("caller gave up")), 0);
    },
  });
  return testStrategyContext({ backend, limits, signal: controller.signal });
}

describe("generateRecorded: a call cut by the run's abort", () => {
  it("charges what the backend says the aborted call had done, and returns the completions that had finished", async () => {
    const context = abortedMidCall({
      responses: ["done in four tokens", { text: "cut after two of five", stallAfterTokens: 2 }],
    });
    const result = await generateRecorded({ context, prompt, n: 2, extractAnswers: true });
    const usage = { promptTokens, completionTokens: 4 + 2, calls: 1 };
    expect(result.stoppedBy).toBe("abort");
    expect(result.usage).toEqual(usage);
    expect(result.returned).toBe(2);
    expect(result.completions.map((completion) => completion.text)).toEqual(["done in four tokens"]);
    expect(context.budget.spent().usage).toEqual(usage);
    // Both are in the trace, the cut one marked by its end, and the call's usage on the first.
    const recorded = generations(context.tracer.events());
    expect(recorded.map((event) => [event.text, event.finishReason, event.completionTokens])).toEqual([
      ["done in four tokens", "stop", 4],
      ["cut after", "abort", 2],
    ]);
    expect(recorded[0]!.usage).toEqual(usage);
    expect(recorded[1]!.usage).toBeUndefined();
    expect(result.completions[0]!.id).toBe(recorded[0]!.id);
  });

  it("charges the budget, whose token limits read it, every request of a fan-out the deadline aborted", async () => {
    const clock = manualClock();
    let context: ReturnType<typeof testStrategyContext> | undefined;
    const backend = createScriptedBackend({
      responses: [{ text: "a b c d e f g h", stallAfterTokens: 6 }],
      capabilities: { n: false },
      // The deadline passes while the three requests stall.
      onCall: () => {
        setTimeout(() => {
          clock.advance(1_000);
          context?.budget.exhausted();
        }, 0);
      },
    });
    context = testStrategyContext({
      backend,
      clock,
      limits: { maxMilliseconds: 1_000, maxTotalTokens: 10_000 },
    });
    const result = await generateRecorded({ context, prompt, n: 3 });
    expect(result.stoppedBy).toBe("time");
    expect(result.completions).toEqual([]);
    const spent = context.budget.spent().usage;
    expect(spent).toEqual({ promptTokens: 3 * promptTokens, completionTokens: 3 * 6, calls: 3 });
    expect(generations(context.tracer.events()).map((event) => event.finishReason)).toEqual([
      "abort",
      "abort",
      "abort",
    ]);
  });

  it("makes the run's token counts unknown, and says so, when the backend cannot tell the aborted call's", async () => {
    const context = abortedMidCall({
      responses: [{ text: "a b c", stallAfterTokens: 1 }],
      usage: "unreported",
    });
    const result = await generateRecorded({ context, prompt, n: 1 });
    expect(result.stoppedBy).toBe("abort");
    expect(context.budget.spent().usage).toEqual({
      promptTokens: undefined,
      completionTokens: undefined,
      calls: 1,
    });
    expect(notes(context.tracer.events())).toEqual([
      "scripted backend could not tell every token of a call cut by abort: the run's token counts are unknown",
    ]);
  });

  it("charges nothing for a call the backend aborted without saying what it had done", async () => {
    const context = abortedMidCall({ responses: ["never written"], delayMilliseconds: 5_000 });
    const result = await generateRecorded({ context, prompt, n: 2 });
    expect(result).toEqual({
      completions: [],
      stoppedBy: "abort",
      usage: { promptTokens: 0, completionTokens: 0, calls: 0 },
      returned: 0,
    });
    expect(context.budget.spent().usage.calls).toBe(0);
    expect(context.tracer.events()).toEqual([]);
  });

  it("treats a backend that resolves on the run's abort like one that rejects: cut ones charged, not returned", async () => {
    // As the embedded backend does: the abort ends the completions in flight, and the call resolves with them.
    const scripted = createScriptedBackend({
      responses: ["done #### 42", { text: "half #### 4", finishReason: "abort" }],
    });
    const controller = new AbortController();
    const backend: Backend = {
      ...scripted,
      generate: async (request) => {
        const result = await scripted.generate(request);
        controller.abort(new Error("deadline"));
        return result;
      },
    };
    const context = testStrategyContext({ backend, signal: controller.signal });
    const result = await generateRecorded({ context, prompt, n: 2, extractAnswers: true });
    expect(result.stoppedBy).toBe("abort");
    expect(result.completions.map((completion) => completion.answer)).toEqual(["42"]);
    expect(context.budget.spent().usage).toEqual({ promptTokens, completionTokens: 3 + 3, calls: 1 });
    expect(generations(context.tracer.events()).map((event) => event.finishReason)).toEqual([
      "stop",
      "abort",
    ]);
  });

  it("records a call cut before its stream began as one aborted generation with its usage, so the trace accounts for it", async () => {
    // An HTTP server that holds its answer: the run is aborted while the request waits for its first byte.
    const controller = new AbortController();
    const server = await startFakeOpenAIServer({
      handler: () => {
        setTimeout(() => controller.abort(new Error("the caller gave up")), 20);
        return { choices: ["never sent"], delivery: { headerDelayMilliseconds: 2_000 } };
      },
    });
    const backend = createOpenAICompatibleBackend({
      baseUrl: server.url,
      model: "fake-model",
      capabilities: { n: true, logprobs: true, topLogprobs: true },
    });
    try {
      const context = testStrategyContext({ backend, signal: controller.signal });
      const result = await generateRecorded({ context, prompt, n: 1, extractAnswers: true });
      expect(result.stoppedBy).toBe("abort");
      expect(result.completions).toEqual([]);
      // Sent, so charged: one call whose tokens nobody can tell.
      expect(result.usage.calls).toBe(1);
      expect(context.budget.spent().usage).toEqual(result.usage);
      const recorded = generations(context.tracer.events());
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({
        text: "",
        finishReason: "abort",
        model: "fake-model",
        usage: result.usage,
      });
      expect(usageByModel(context.tracer.events())).toEqual({ "fake-model": result.usage });
    } finally {
      await backend.dispose();
      await server.close();
    }
  });

  it("records the completions it leaves out as aborted, with the call's usage, when all of them were", async () => {
    // A backend that resolves on an abort with the completions cut there, as the embedded one does.
    const backend = createScriptedBackend({ responses: [{ text: "half a step", finishReason: "abort" }] });
    const context = testStrategyContext({ backend });
    const result = await generateRecorded({ context, prompt, n: 1, dropAborted: true });
    expect(result.completions).toEqual([]);
    expect(result.returned).toBe(1);
    const usage = { promptTokens, completionTokens: 3, calls: 1 };
    expect(context.budget.spent().usage).toEqual(usage);
    const [recorded] = generations(context.tracer.events());
    expect(recorded).toMatchObject({ text: "half a step", finishReason: "abort", usage });
  });
});

describe("generateRecorded: a call sized against the budget", () => {
  it("caps maxTokens at what the token limit leaves after the planned prompt", async () => {
    const backend = createScriptedBackend({ responses: ["a b c"] });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 12 } });
    const result = await generateRecorded({
      context,
      prompt,
      n: 1,
      plan: { calls: 1, completions: 1, promptTokens },
    });
    expect(result.stoppedBy).toBe("complete");
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([12 - promptTokens]);
  });

  it("leaves out a completion cut at the cap the budget lowered, records and charges it, and stops by the limit", async () => {
    for (const [limits, limit] of [
      [{ maxTotalTokens: promptTokens + 8 }, "tokens"],
      [{ maxCompletionTokens: 8 }, "completion-tokens"],
    ] as const) {
      const backend = createScriptedBackend({ responses: ["#### 42", "a b c d e f g #### 7"] });
      const context = testStrategyContext({ backend, limits });
      const result = await generateRecorded({
        context,
        prompt,
        n: 2,
        plan: { calls: 1, completions: 2, promptTokens },
        extractAnswers: true,
      });
      expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([4]);
      expect(result.completions.map((completion) => completion.answer)).toEqual(["42"]);
      expect(result).toMatchObject({ stoppedBy: limit, returned: 2 });
      expect(context.budget.spent().usage).toEqual({ promptTokens, completionTokens: 2 + 4, calls: 1 });
      const events = context.tracer.events();
      expect(generations(events).map((event) => [event.text, event.finishReason])).toEqual([
        ["#### 42", "stop"],
        ["a b c d", "length"],
      ]);
      expect(notes(events)).toEqual([
        `1 of 2 completions cut at 4 tokens by the budget's ${limit} limit: left out, as a sample cut mid-way is no sample`,
      ]);
    }
  });

  it("returns a completion that ended at the call's own maxTokens, under the budget's cap", async () => {
    const backend = createScriptedBackend({ responses: ["a b c d e f g #### 7"] });
    const context = testStrategyContext({
      backend,
      limits: { maxTotalTokens: 100 },
      sampling: { maxTokens: 4 },
    });
    const result = await generateRecorded({
      context,
      prompt,
      n: 1,
      plan: { calls: 1, completions: 1, promptTokens },
    });
    expect(backend.calls[0]!.request.maxTokens).toBe(4);
    expect(result.completions.map((completion) => [completion.text, completion.finishReason])).toEqual([
      ["a b c d", "length"],
    ]);
    expect(result.stoppedBy).toBe("complete");
    expect(notes(context.tracer.events())).toEqual([]);
  });

  it("makes no call when the planned prompt leaves no token for each completion", async () => {
    for (const [maxTotalTokens, n] of [
      [promptTokens, 1],
      [promptTokens + 1, 2],
    ] as const) {
      const backend = createScriptedBackend({ responses: ["a b c"] });
      const context = testStrategyContext({ backend, limits: { maxTotalTokens } });
      const result = await generateRecorded({
        context,
        prompt,
        n,
        plan: { calls: 1, completions: n, promptTokens },
      });
      expect(result).toMatchObject({ completions: [], stoppedBy: "tokens", returned: 0 });
      expect(backend.calls).toHaveLength(0);
    }
    const backend = createScriptedBackend({ responses: ["a b c"] });
    const context = testStrategyContext({ backend, limits: { maxCompletionTokens: 1 } });
    const result = await generateRecorded({ context, prompt, n: 2, plan: { calls: 1, completions: 2 } });
    expect(result.stoppedBy).toBe("completion-tokens");
    expect(backend.calls).toHaveLength(0);
  });
});

describe("generateRecorded: what the backend reports", () => {
  it("refuses a usage without calls, naming the backend, before it is charged", async () => {
    const inner = createScriptedBackend({ responses: ["#### 1"] });
    const withoutCalls: Backend = {
      describe: () => ({ kind: "mine", model: "m" }),
      capabilities: (options) => inner.capabilities(options),
      async generate(request, options) {
        const result = await inner.generate(request, options);
        const { calls: _calls, ...usage } = result.usage;
        return { ...result, usage: usage as never };
      },
    };
    const context = testStrategyContext({ backend: withoutCalls, limits: { maxCalls: 2 } });
    await expect(generateRecorded({ context, prompt, n: 1 })).rejects.toThrow(
      "mine backend (model m) returned usage without calls: usage.calls must be an integer ≥ 0, got undefined",
    );
    expect(context.budget.spent().usage).toEqual({ promptTokens: 0, completionTokens: 0, calls: 0 });
  });
});
