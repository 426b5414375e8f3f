import { describe, expect, it } from "vitest";
import { CapabilityError } from "../errors/index.ts";
import { characterTokensBackend } from "../generation/character-tokens-backend.test-support.ts";
import { defaultPromptTemplate } from "../generation/index.ts";
import { labProblem } from "../lab/index.ts";
import { seededRng } from "../runtime/index.ts";
import type { Backend, BudgetLimits, StrategyContext } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { extendOneStep } from "./extend-one-step.ts";
import { createStepCostMeter } from "./step-cost-meter.ts";
import { stepPrompt } from "./step-prompt.ts";

function contextFor(backend: Backend, limits: BudgetLimits = {}, signal?: AbortSignal): StrategyContext {
  return testStrategyContext({ backend, limits, signal, parentId: "run", sampling: { temperature: 1 } });
}

const problem = labProblem({ operands: [30, 444, 273], operators: ["+", "+"] });

describe("stepPrompt", () => {
  it("continues a text prompt after the steps so far, and a chat prompt in a continued assistant message", () => {
    const text = { kind: "text", text: "Q: 30+444+273=? A:" } as const;
    expect(stepPrompt(text, [])).toEqual({ kind: "text", text: "Q: 30+444+273=? A:\n" });
    expect(stepPrompt(text, ["30+444=474", "474+273=747"])).toEqual({
      kind: "text",
      text: "Q: 30+444+273=? A:\n30+444=474\n474+273=747\n",
    });
    const chat = { kind: "chat", messages: [{ role: "user", content: "2+2?" }] } as const;
    expect(stepPrompt(chat, ["2+2=4"])).toEqual({
      kind: "chat",
      messages: [
        { role: "user", content: "2+2?" },
        { role: "assistant", content: "2+2=4\n" },
      ],
      continueFinalMessage: true,
    });
    const prefilled = {
      kind: "chat",
      messages: [
        { role: "user", content: "2+2?" },
        { role: "assistant", content: "Let me see.\n" },
      ],
    } as const;
    expect(stepPrompt(prefilled, ["2+2=4"])).toMatchObject({
      messages: [{}, { role: "assistant", content: "Let me see.\n2+2=4\n" }],
    });
  });
});

describe("extendOneStep", () => {
  it("samples n next steps of a text prefix, stopping at the delimiter, and records them under the parent", async () => {
    const backend = createScriptedBackend({ responses: ["474+273=747", "474+273=737 ", "#### 747"] });
    const context = contextFor(backend);
    const result = await extendOneStep({
      problem,
      steps: ["30+444=474"],
      parentId: "n-parent",
      n: 3,
      context,
    });
    expect(result.stoppedBy).toBe("complete");
    const request = backend.calls[0]!.request;
    expect(request.prompt).toEqual({ kind: "text", text: "Q: 30+444+273=? A:\n30+444=474\n" });
    expect(request.n).toBe(3);
    expect(request.stop).toEqual(["\n"]);
    expect(request.temperature).toBe(1);
    expect(result.extensions.map((extension) => extension.steps)).toEqual([
      ["30+444=474", "474+273=747"],
      ["30+444=474", "474+273=737"],
      ["30+444=474", "#### 747"],
    ]);
    expect(result.extensions.map((extension) => extension.final)).toEqual([false, false, true]);
    const events = context.tracer.events();
    expect(events.map((event) => event.type)).toEqual(["generation", "generation", "generation"]);
    for (const [index, event] of events.entries()) {
      expect(event).toMatchObject({ parentId: "n-parent", step: 1, id: result.extensions[index]!.id });
    }
    expect(context.budget.spent().usage).toEqual(result.usage);
    expect(result.usage.calls).toBe(1);
  });

  it("extends a chat prompt in a continued assistant message on a backend that can continue it", async () => {
    const backend = createScriptedBackend({ responses: ["2+2=4"] });
    const context = contextFor(backend);
    const chatProblem = { question: "What is 2+2?" };
    await extendOneStep({ problem: chatProblem, steps: ["We add."], n: 1, context, logprobs: true });
    const request = backend.calls[0]!.request;
    const base = defaultPromptTemplate(chatProblem);
    expect(request.prompt).toEqual({
      kind: "chat",
      messages: [...(base.kind === "chat" ? base.messages : []), { role: "assistant", content: "We add.\n" }],
      continueFinalMessage: true,
    });
    expect(request.logprobs).toBe(true);
  });

  it("refuses clearly on a backend that cannot continue a prefix", async () => {
    const chatOnly = createScriptedBackend({ responses: ["x"], capabilities: { continuePrefix: false } });
    const error = await extendOneStep({
      problem: { question: "What is 2+2?" },
      steps: [],
      n: 1,
      context: contextFor(chatOnly),
    }).catch((caught: unknown) => caught);
    expect(CapabilityError.isInstance(error)).toBe(true);
    expect((error as CapabilityError).capability).toBe("continuePrefix");
    expect((error as Error).message).toMatch(/continuing a partial assistant message/);
    const noCompletions = createScriptedBackend({ responses: ["x"], capabilities: { completion: false } });
    await expect(
      extendOneStep({ problem, steps: [], n: 1, context: contextFor(noCompletions) }),
    ).rejects.toThrow(/"completion"/);
    expect(chatOnly.calls).toHaveLength(0);
  });

  it("does not call when the budget cannot afford it, and says which limit", async () => {
    const backend = createScriptedBackend({ responses: ["474+273=747"], capabilities: { n: false } });
    const context = contextFor(backend, { maxCalls: 2 });
    const meter = createStepCostMeter();
    const first = await extendOneStep({ problem, steps: [], n: 2, context, meter });
    expect(first.extensions).toHaveLength(2);
    const second = await extendOneStep({ problem, steps: [], n: 1, context, meter });
    expect(second).toMatchObject({ extensions: [], stoppedBy: "calls" });
    expect(backend.calls).toHaveLength(2);
  });

  it("returns nothing, with stoppedBy abort, when the caller aborts during the call", async () => {
    const controller = new AbortController();
    const backend = createScriptedBackend({
      responses: ["474+273=747"],
      onCall: () => controller.abort(),
    });
    const result = await extendOneStep({
      problem,
      steps: [],
      n: 2,
      context: contextFor(backend, {}, controller.signal),
    });
    expect(result).toMatchObject({ extensions: [], stoppedBy: "abort" });
  });

  it("draws its seed from the run's rng, so the same seed repeats the same steps", async () => {
    const backend = createScriptedBackend({
      respond: (_request, _index, rng) => `30+444=${470 + Math.floor(rng.next() * 10)}`,
    });
    const once = await extendOneStep({ problem, steps: [], n: 4, context: contextFor(backend) });
    const again = await extendOneStep({ problem, steps: [], n: 4, context: contextFor(backend) });
    expect(again.extensions.map((extension) => extension.step)).toEqual(
      once.extensions.map((extension) => extension.step),
    );
    expect(backend.calls[0]!.request.seed).toBe(seededRng(1).nextSeed());
  });
});

describe("extendOneStep under a total-token limit", () => {
  // `Q: 30+444+273=? A:` and the newline that starts the first step: 19 characters.
  const promptCharacters = 19;
  const totalOf = (context: StrategyContext) => {
    const spent = context.budget.spent().usage;
    return (spent.promptTokens ?? 0) + (spent.completionTokens ?? 0);
  };

  it("sizes the call by the prompt the backend counted, with a meter or without", async () => {
    for (const meter of [undefined, createStepCostMeter()]) {
      const backend = characterTokensBackend({ completionTokens: 40 });
      const context = contextFor(backend, { maxTotalTokens: 30 });
      const result = await extendOneStep({ problem, steps: [], n: 1, context, meter });
      expect(backend.counted).toHaveLength(1);
      expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([30 - promptCharacters]);
      // The step the budget cut at those 11 tokens is charged, but no step.
      expect(result).toMatchObject({ extensions: [], stoppedBy: "tokens" });
      expect(totalOf(context)).toBe(30);
    }
  });

  it("keeps a step that fits the tokens the budget left", async () => {
    const backend = characterTokensBackend({ completionTokens: 30 - promptCharacters });
    const context = contextFor(backend, { maxTotalTokens: 30 });
    const result = await extendOneStep({ problem, steps: [], n: 1, context });
    expect(result.extensions.map((extension) => extension.finishReason)).toEqual(["stop"]);
    expect(result.stoppedBy).toBe("complete");
  });

  it("makes no call when the counted prompt leaves no token for the step", async () => {
    const backend = characterTokensBackend({ completionTokens: 40 });
    const context = contextFor(backend, { maxTotalTokens: promptCharacters });
    const result = await extendOneStep({ problem, steps: [], n: 1, context, meter: createStepCostMeter() });
    expect(result).toMatchObject({ extensions: [], stoppedBy: "tokens" });
    expect(backend.calls).toHaveLength(0);
  });

  it("estimates four characters a token on a backend that cannot count, with a meter or without", async () => {
    const estimated = [
      [undefined, Math.ceil(promptCharacters / 4)],
      [createStepCostMeter(), promptCharacters / 4],
    ] as const;
    for (const [meter, promptTokens] of estimated) {
      const backend = characterTokensBackend({ completionTokens: 40, counts: false });
      const context = contextFor(backend, { maxTotalTokens: 30 });
      await extendOneStep({ problem, steps: [], n: 1, context, meter });
      expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([Math.floor(30 - promptTokens)]);
    }
  });

  it("sizes n steps with a prompt for each where the backend charges it per completion, and meters it so", async () => {
    for (const meter of [undefined, createStepCostMeter()]) {
      const backend = characterTokensBackend({
        completionTokens: 40,
        capabilities: { promptPerCompletion: true },
      });
      const context = contextFor(backend, { maxTotalTokens: 80 });
      await extendOneStep({ problem, steps: [], n: 3, context, meter });
      // 3 × 19 prompt tokens leave (80 − 57) / 3 = 7 for each step; one prompt taken off would leave 20
      // each, and spend 117.
      expect(backend.calls.map((call) => [call.request.n, call.request.maxTokens])).toEqual([[3, 7]]);
      expect(totalOf(context)).toBe(78);
    }
    const meter = createStepCostMeter();
    const backend = characterTokensBackend({
      completionTokens: 4,
      capabilities: { promptPerCompletion: true },
    });
    await extendOneStep({ problem, steps: [], n: 3, context: contextFor(backend), meter });
    // 57 prompt tokens for 3 × 19 characters: a token a character.
    expect(meter.plan([19], 2, { n: true, promptPerCompletion: true })).toMatchObject({ promptTokens: 38 });
  });
});
