import { describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { reservedUsage } from "../budget/index.ts";
import { BackendCallError } from "../errors/index.ts";
import type { Backend, GenerationEvent, NoteEvent, TraceEvent, Usage } from "../spec/index.ts";
import { createScriptedBackend, startFakeOpenAIServer, testStrategyContext } from "../testing/index.ts";
import { usageByModel } from "../trace/index.ts";
import { generateRecorded } from "./generate-recorded.ts";

const prompt = { kind: "text", text: "Q: 6 × 7? A:" } as const;

function generations(events: readonly TraceEvent[]): GenerationEvent[] {
  return events.filter((event): event is GenerationEvent => event.type === "generation");
}

function notes(events: readonly TraceEvent[]): string[] {
  return events.filter((event): event is NoteEvent => event.type === "note").map((event) => event.message);
}

/** A scripted backend whose calls all fail with `error`, after holding it for a moment. */
function failingBackend(error: unknown): Backend {
  const scripted = createScriptedBackend({ responses: ["unused"] });
  return {
    ...scripted,
    async generate() {
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw error;
    },
  };
}

/** The error of a call whose stream broke after six tokens, before the server's usage came. */
function brokenStream(): BackendCallError {
  return new BackendCallError("failed while reading the stream: other side closed", {
    usage: { promptTokens: undefined, completionTokens: 6, calls: 1 },
  });
}

describe("generateRecorded: a call that fails", () => {
  it("charges what the failed call had used, once, before its error passes on", async () => {
    const failure = brokenStream();
    const context = testStrategyContext({
      backend: failingBackend(failure),
      limits: { maxTotalTokens: 1_000 },
    });
    const call = generateRecorded({
      context,
      prompt,
      n: 1,
      plan: { calls: 1, completions: 1, promptTokens: 5 },
      countedPromptTokens: 5,
    });
    // In flight, the call holds its plan; failed, it holds nothing and is charged what it used.
    expect(reservedUsage(context.budget).calls).toBe(1);
    await expect(call).rejects.toBe(failure);
    const charged: Usage = { promptTokens: 5, completionTokens: 6, calls: 1 };
    expect(reservedUsage(context.budget)).toMatchObject({ calls: 0, promptTokens: 0, completionTokens: 0 });
    expect(context.budget.spent().usage).toEqual(charged);
  });

  it("records the failed call as one generation carrying its usage, and a note naming the failure", async () => {
    const context = testStrategyContext({ backend: failingBackend(brokenStream()), parentId: "run" });
    await expect(generateRecorded({ context, prompt, n: 1, step: 2 })).rejects.toThrow("other side closed");
    const events = context.tracer.events();
    const recorded = generations(events);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      parentId: "run",
      text: "",
      finishReason: "unknown",
      completionTokens: 6,
      step: 2,
      usage: { completionTokens: 6, calls: 1 },
    });
    // No prompt count was told or counted: the run's is unknown, and the note says so.
    expect(notes(events)).toEqual([
      "scripted backend call failed after generating 6 tokens, charged to the run (it could not tell every token: the run's token counts are unknown): failed while reading the stream: other side closed",
    ]);
    expect(Object.values(usageByModel(events))).toEqual([context.budget.spent().usage]);
  });

  it("charges and records nothing for a failure that tells no usage, and passes it on as it is", async () => {
    const failure = new BackendCallError("upstream 503 after retries", { status: 503 });
    const context = testStrategyContext({ backend: failingBackend(failure) });
    await expect(generateRecorded({ context, prompt, n: 1 })).rejects.toBe(failure);
    expect(context.budget.spent().usage.calls).toBe(0);
    expect(context.tracer.events()).toEqual([]);
  });

  it("charges the tokens an HTTP stream generated before it broke, as the run's usage", async () => {
    const server = await startFakeOpenAIServer({
      handler: () => ({
        choices: ["one two three four five six seven eight"],
        delivery: { cutAfterTokens: 6 },
      }),
    });
    const backend = createOpenAICompatibleBackend({
      baseUrl: server.url,
      model: "fake-model",
      maxRetries: 0,
      capabilities: { n: true },
      tokenizer: "none",
    });
    try {
      const context = testStrategyContext({ backend, limits: { maxTotalTokens: 10_000 } });
      await expect(
        generateRecorded({
          context,
          prompt,
          n: 1,
          plan: { calls: 1, completions: 1, promptTokens: 7 },
          countedPromptTokens: 7,
        }),
      ).rejects.toSatisfy(BackendCallError.isInstance);
      expect(context.budget.spent().usage).toMatchObject({ promptTokens: 7, completionTokens: 6, calls: 1 });
      expect(generations(context.tracer.events()).map((event) => event.model)).toEqual(["fake-model"]);
    } finally {
      await backend.dispose?.();
      await server.close();
    }
  });
});
