import { describe, expect, it } from "vitest";
import { BudgetExhaustedError, CapabilityError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type {
  BudgetLimits,
  GenerationEvent,
  GenerationRequest,
  Problem,
  TokenLogprob,
  TraceEvent,
} from "../spec/index.ts";
import { parseStrategySpec } from "../strategies/index.ts";
import { createScriptedBackend, type ScriptedCompletion, testStrategyContext } from "../testing/index.ts";
import { usageByModel } from "../trace/index.ts";
import { characterPrompts } from "./character-prompts.test-support.ts";
import { glimpseRouter } from "./glimpse-router.ts";

const problem: Problem = { question: "1+2+3+4=?", prompt: { kind: "text", text: "Q: 1+2+3+4=? A:" } };
const largeSteps = ["1+2=3", "3+3=6", "6+4=10", "#### 10"];

/** The small model slips at step 1 (3+3=7) and goes on from whatever the last step's result is. */
function smallStep(request: GenerationRequest): string {
  const text = request.prompt.kind === "text" ? request.prompt.text : "";
  const result = Number(text.trimEnd().split("=").at(-1));
  return ["1+2=3", "3+3=7", `${result}+4=${result + 4}`, `#### ${result}`][stepIndex(request)] ?? "";
}

/** The index of the step a request asks for: the lines written after the prompt's `A:`. */
function stepIndex(request: GenerationRequest): number {
  const text = request.prompt.kind === "text" ? request.prompt.text : "";
  return text.split("\n").length - 2;
}

/** A token whose top alternatives are flat (ln 4 nats) or peaked (≈0.17 nats). */
function token(text: string, flat: boolean): TokenLogprob {
  const top = flat ? [-1.386, -1.386, -1.386, -1.386] : [-0.03, -4, -5, -6];
  return {
    token: text,
    logprob: top[0]!,
    topLogprobs: top.map((logprob, rank) => ({ token: rank === 0 ? text : `<${rank}>`, logprob })),
  };
}

/** A step as two tokens, the first or the second uncertain when `flat` says so. */
function stepTokens(step: string, flat: boolean | "second"): TokenLogprob[] {
  return [token(step.slice(0, 1), flat === true), token(step.slice(1), flat === "second")];
}

function models(uncertain: readonly number[], where: true | "second" = true) {
  const small = createScriptedBackend({
    model: "small",
    respond: (request): ScriptedCompletion => {
      const step = smallStep(request);
      return { text: step, tokens: stepTokens(step, uncertain.includes(stepIndex(request)) && where) };
    },
  });
  const large = createScriptedBackend({
    model: "large",
    respond: (request) => {
      const step = largeSteps[stepIndex(request)] ?? "";
      return { text: step, tokens: stepTokens(step, false) };
    },
  });
  return {
    small,
    large,
    named: [
      { name: "small", backend: small },
      { name: "large", backend: large },
    ],
  };
}

function notes(trace: readonly TraceEvent[]): string[] {
  return trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
}

function writers(trace: readonly { type: string }[]): string[] {
  const steps = (trace as GenerationEvent[]).filter(
    (event) => event.type === "generation" && event.finishReason !== "cut",
  );
  return steps.map((event) => `${event.step}:${event.model}`);
}

/**
 * What a run of glimp@0.6 under `limits` did, the large model writing step 1 and prompts charged a token per
 * character: its answer, or the limit it threw, what it spent, and its trace.
 */
async function limitedRun(limits: BudgetLimits) {
  const { named } = models([1]);
  const routed = named.map((model) => ({ ...model, backend: characterPrompts(model.backend) }));
  const context = testStrategyContext({ backend: routed[1]!.backend, limits });
  const outcome = await glimpseRouter({ models: routed, threshold: 0.6 })
    .run(problem, context)
    .then(
      (result) => ({ answer: result.answer, stoppedBy: result.stoppedBy }),
      (error: unknown) => {
        if (!BudgetExhaustedError.isInstance(error)) throw error;
        return { answer: undefined, stoppedBy: error.reason };
      },
    );
  const { usage } = context.budget.spent();
  return {
    ...outcome,
    total: (usage.promptTokens ?? 0) + (usage.completionTokens ?? 0),
    calls: usage.calls,
    trace: context.tracer.events(),
  };
}

describe("glimpseRouter", () => {
  it("hands the large model the steps whose first token is uncertain, keeping the rest with the small one", async () => {
    const { small, large, named } = models([1]);
    const result = await solve({
      problem,
      strategy: glimpseRouter({ models: named, threshold: 0.6 }),
      backend: large,
    });
    expect(result.answer).toBe("10");
    expect(result.best?.steps).toEqual(["1+2=3", "3+3=6", "6+4=10", "#### 10"]);
    expect(result.best?.text).toBe("\n1+2=3\n3+3=6\n6+4=10\n#### 10");
    expect(writers(result.trace)).toEqual(["0:small", "1:large", "2:small", "3:small"]);
    // The small model's draft of step 1 was cut after its first token, which still counts.
    const cut = (result.trace as GenerationEvent[]).filter((event) => event.finishReason === "cut");
    expect(cut.map((event) => [event.step, event.model, event.text, event.completionTokens])).toEqual([
      [1, "small", "3", 1],
    ]);
    const usage = usageByModel(result.trace);
    expect(usage.small?.completionTokens).toBe(2 + 1 + 2 + 2);
    expect(usage.large?.completionTokens).toBe(2);
    expect(small.calls.map((call) => call.request.temperature)).toEqual([0, 0, 0, 0]);
    expect(small.calls[0]?.request.topLogprobs).toBe(20);
    expect(large.calls).toHaveLength(1);
    expect(result.trace.some((event) => event.type === "note" && event.message.includes("step 1"))).toBe(
      true,
    );
    // Every token came with its top alternatives: no step went unread.
    expect(notes(result.trace).filter((message) => message.includes("gave no entropy"))).toEqual([]);
  });

  it("hands over a step whose first token's entropy is exactly τ, and keeps it under a τ just above", async () => {
    // Two equally likely alternatives: entropy −2 · ½ ln ½ = ln 2 nats, exactly.
    const half = Math.log(0.5);
    const threshold = -2 * (0.5 * half);
    const even = (text: string): TokenLogprob => ({
      token: text,
      logprob: half,
      topLogprobs: [
        { token: text, logprob: half },
        { token: "<other>", logprob: half },
      ],
    });
    const route = (routeThreshold: number) => {
      const small = createScriptedBackend({
        model: "small",
        respond: (request): ScriptedCompletion => {
          const step = smallStep(request);
          const tokens = stepTokens(step, false);
          return {
            text: step,
            tokens: stepIndex(request) === 1 ? [even(step.slice(0, 1)), tokens[1]!] : tokens,
          };
        },
      });
      const { large } = models([]);
      return solve({
        problem,
        strategy: glimpseRouter({
          models: [
            { name: "small", backend: small },
            { name: "large", backend: large },
          ],
          threshold: routeThreshold,
        }),
        backend: large,
      });
    };
    const at = await route(threshold);
    expect(at.answer).toBe("10");
    expect(writers(at.trace)).toEqual(["0:small", "1:large", "2:small", "3:small"]);
    expect(notes(at.trace)).toContain(`step 1: entropy 0.693 at token 1 ≥ τ ${threshold}; large writes it`);
    // Just above ln 2 the same token stays with the small model.
    const above = await route(threshold + 1e-9);
    expect(above.answer).toBe("11");
    expect(writers(above.trace)).toEqual(["0:small", "1:small", "2:small", "3:small"]);
  });

  it("notes once that the small model gave no entropy, and keeps such steps with it", async () => {
    const small = createScriptedBackend({
      model: "small",
      respond: (request): ScriptedCompletion => {
        const step = smallStep(request);
        // Log-probabilities of the sampled tokens only, without alternatives or an entropy.
        return {
          text: step,
          tokens: [
            { token: step.slice(0, 1), logprob: -1.386 },
            { token: step.slice(1), logprob: -0.03 },
          ],
        };
      },
    });
    const { large } = models([]);
    const result = await solve({
      problem,
      strategy: glimpseRouter({
        models: [
          { name: "small", backend: small },
          { name: "large", backend: large },
        ],
        threshold: 0,
      }),
      backend: large,
    });
    expect(result.answer).toBe("11");
    expect(writers(result.trace)).toEqual(["0:small", "1:small", "2:small", "3:small"]);
    expect(large.calls).toHaveLength(0);
    expect(notes(result.trace)).toEqual([
      "glimp@0: small gave no entropy or top alternatives for a step's first token; such steps stay with it",
    ]);
  });

  it("sends every step to the large model at τ = 0, and none at a τ above every entropy", async () => {
    const all = models([1]);
    const none = await solve({
      problem,
      strategy: glimpseRouter({ models: all.named, threshold: 5 }),
      backend: all.large,
    });
    expect(none.answer).toBe("11");
    expect(writers(none.trace)).toEqual(["0:small", "1:small", "2:small", "3:small"]);
    expect(all.large.calls).toHaveLength(0);

    const every = models([1]);
    const routed = await solve({
      problem,
      strategy: glimpseRouter({ models: every.named, threshold: 0 }),
      backend: every.large,
    });
    expect(routed.answer).toBe("10");
    expect(writers(routed.trace)).toEqual(["0:large", "1:large", "2:large", "3:large"]);
    expect(usageByModel(routed.trace).small?.completionTokens).toBe(4);
  });

  it("reads the first `glimpse` tokens of each step, handing over a step whose second token is uncertain", async () => {
    const first = models([1], "second");
    const blind = await solve({
      problem,
      strategy: glimpseRouter({ models: first.named, threshold: 0.6 }),
      backend: first.large,
    });
    expect(blind.answer).toBe("11");
    const second = models([1], "second");
    const result = await solve({
      problem,
      strategy: glimpseRouter({ models: second.named, threshold: 0.6, glimpse: 2 }),
      backend: second.large,
    });
    expect(result.answer).toBe("10");
    expect(result.strategy).toBe("glimp@0.6k2");
    expect(writers(result.trace)).toEqual(["0:small", "1:large", "2:small", "3:small"]);
    // Both tokens of the small model's draft of step 1 were spent before the cut.
    expect(usageByModel(result.trace).small?.completionTokens).toBe(2 + 2 + 2 + 2);
  });

  it("holds the large model on for the next `hold` steps after a handover, or for the rest with Infinity", async () => {
    const held = models([1]);
    const result = await solve({
      problem,
      strategy: glimpseRouter({ models: held.named, threshold: 0.6, hold: 1 }),
      backend: held.large,
    });
    expect(result.strategy).toBe("glimp@0.6h1");
    expect(writers(result.trace)).toEqual(["0:small", "1:large", "2:large", "3:small"]);
    // The held step is not drafted: the small model wrote steps 0 and 3 and the cut token of step 1.
    expect(held.small.calls).toHaveLength(3);
    expect(usageByModel(result.trace).small?.completionTokens).toBe(2 + 1 + 2);
    expect(result.trace.some((event) => event.type === "note" && event.message.includes("the next 1"))).toBe(
      true,
    );

    const handoff = models([1]);
    const rest = await solve({
      problem,
      strategy: glimpseRouter({ models: handoff.named, threshold: 0.6, hold: Number.POSITIVE_INFINITY }),
      backend: handoff.large,
    });
    expect(rest.strategy).toBe("glimp@0.6h");
    expect(rest.answer).toBe("10");
    expect(writers(rest.trace)).toEqual(["0:small", "1:large", "2:large", "3:large"]);
    expect(handoff.small.calls).toHaveLength(2);
    expect(usageByModel(rest.trace).large?.completionTokens).toBe(6);

    // Without an uncertain step nothing is handed over, whatever the hold.
    const calm = models([]);
    const kept = await solve({
      problem,
      strategy: glimpseRouter({ models: calm.named, threshold: 0.6, hold: Number.POSITIVE_INFINITY }),
      backend: calm.large,
    });
    expect(writers(kept.trace)).toEqual(["0:small", "1:small", "2:small", "3:small"]);
    expect(calm.large.calls).toHaveLength(0);
  });

  it("reads the hold from its spec (`hH`, or a bare `h` for the rest) and refuses a bad one", () => {
    const { small, large } = models([]);
    const resolveModel = (name: string) => (name === "small" ? small : large);
    const rest = parseStrategySpec("glimp@0.7355k12h:small>large", { resolveModel });
    expect(rest.name).toBe("glimp@0.7355k12h");
    expect(rest.parameters).toMatchObject({ threshold: 0.7355, glimpse: 12, hold: Number.POSITIVE_INFINITY });
    const two = parseStrategySpec("glimp@0.6h2:small>large", { resolveModel });
    expect(two.name).toBe("glimp@0.6h2");
    expect(two.parameters).toMatchObject({ glimpse: 1, hold: 2 });
    const { named } = models([]);
    for (const hold of [-1, 1.5, Number.NaN]) {
      expect(() => glimpseRouter({ models: named, threshold: 1, hold })).toThrow(/glimpseRouter.*hold/);
    }
  });

  it("stops at maxSteps without a final step", async () => {
    const { named, large } = models([]);
    const result = await solve({
      problem,
      strategy: glimpseRouter({ models: named, threshold: 1, maxSteps: 2 }),
      backend: large,
    });
    expect(result.best?.steps).toEqual(["1+2=3", "3+3=7"]);
    expect(result.best?.finishReason).toBe("stop");
    expect(usageByModel(result.trace).small?.completionTokens).toBe(4);
  });

  it("caps the solution at the run's maxTokens, each step asking what is left, and ends it with length", async () => {
    // Steps of two tokens each: 1+2=3 (2), then one token of 3+3=7, cut by the limit.
    const calm = models([]);
    const capped = await solve({
      problem,
      strategy: glimpseRouter({ models: calm.named, threshold: 1 }),
      backend: calm.large,
      sampling: { maxTokens: 3 },
    });
    expect(calm.small.calls.map((call) => call.request.maxTokens)).toEqual([3, 1]);
    expect(capped.best?.steps).toEqual(["1+2=3", "3"]);
    expect(capped.best?.finishReason).toBe("length");
    expect(capped.usage.completionTokens).toBe(3);
    expect(capped.stoppedBy).toBe("complete");

    // A limit reached where a step ends still ends the solution there, cut before its final step.
    const even = models([]);
    const ended = await solve({
      problem,
      strategy: glimpseRouter({ models: even.named, threshold: 1 }),
      backend: even.large,
      sampling: { maxTokens: 4 },
    });
    expect(ended.best?.steps).toEqual(["1+2=3", "3+3=7"]);
    expect(ended.best?.finishReason).toBe("length");
    expect(even.small.calls).toHaveLength(2);

    // A handed-over step is the large model's to write within what is left; the cut draft is spent, not written.
    const routed = models([1]);
    const handed = await solve({
      problem,
      strategy: glimpseRouter({ models: routed.named, threshold: 0.6 }),
      backend: routed.large,
      sampling: { maxTokens: 3 },
    });
    expect(routed.large.calls.map((call) => call.request.maxTokens)).toEqual([1]);
    expect(handed.best?.steps).toEqual(["1+2=3", "3"]);
    expect(handed.best?.finishReason).toBe("length");
    expect(usageByModel(handed.trace).small?.completionTokens).toBe(2 + 1);
    expect(usageByModel(handed.trace).large?.completionTokens).toBe(1);

    // Without a limit each step keeps extendOneStep's own, and the solution runs to its final step.
    const free = models([]);
    const whole = await solve({
      problem,
      strategy: glimpseRouter({ models: free.named, threshold: 1 }),
      backend: free.large,
    });
    expect(free.small.calls.map((call) => call.request.maxTokens)).toEqual([256, 256, 256, 256]);
    expect(whole.best?.finishReason).toBe("stop");
  });

  it("answers nothing from a solution the budget cut before its final step, whose steps it charged and recorded", async () => {
    // Unlimited: five calls (step 1's draft cut, then written by the large model) end at `#### 10`.
    expect(await limitedRun({})).toMatchObject({ answer: "10", stoppedBy: "complete", calls: 5 });
    for (let maxCalls = 1; maxCalls < 5; maxCalls += 1) {
      const run = await limitedRun({ maxCalls });
      // `1+2=3\n3+3=6\n6+4=10` reads as 10, `1+2=3` as 3: a running result, not the solution's answer.
      expect(run, `maxCalls ${maxCalls}`).toMatchObject({ answer: undefined, stoppedBy: "calls" });
      expect(run.calls).toBe(maxCalls);
      expect(run.trace.filter((event) => event.type === "generation")).toHaveLength(maxCalls);
    }
  });

  it("spends no more than maxTotalTokens, and answers only a solution that reached its final step", async () => {
    const whole = await limitedRun({});
    expect(whole.answer).toBe("10");
    for (let limit = 1; limit <= whole.total + 3; limit += 1) {
      const run = await limitedRun({ maxTotalTokens: limit });
      expect(run.total, `spent under maxTotalTokens ${limit}`).toBeLessThanOrEqual(limit);
      expect(run, `maxTotalTokens ${limit}`).toMatchObject(
        limit >= whole.total
          ? { answer: "10", stoppedBy: "complete", total: whole.total }
          : { answer: undefined, stoppedBy: "tokens" },
      );
    }
  });

  it("is named by glimp@T with a route, and refuses a small model that cannot watch tokens", async () => {
    const { named, large } = models([]);
    const strategy = parseStrategySpec("glimp@0.6:small>large", {
      resolveModel: (name) => named.find((model) => model.name === name)!.backend,
    });
    expect(strategy.name).toBe("glimp@0.6");
    expect(
      parseStrategySpec("glimp@0.25k12:small>large", {
        resolveModel: (name) => named.find((model) => model.name === name)!.backend,
      }).parameters,
    ).toMatchObject({
      threshold: 0.25,
      glimpse: 12,
    });
    expect(strategy.parameters).toMatchObject({ threshold: 0.6, small: "small", large: "large" });

    const blind = createScriptedBackend({ responses: ["x"], capabilities: { watchTokens: false } });
    await expect(
      solve({
        problem,
        strategy: glimpseRouter({ models: [{ name: "blind", backend: blind }, named[1]!], threshold: 1 }),
        backend: large,
      }),
    ).rejects.toSatisfy((error) => CapabilityError.isInstance(error) && error.capability === "watchTokens");
  });
});
