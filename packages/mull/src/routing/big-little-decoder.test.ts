import { describe, expect, it } from "vitest";
import { BudgetExhaustedError, CapabilityError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type {
  Backend,
  BudgetLimits,
  GenerationEvent,
  GenerationRequest,
  Problem,
  ScoreRequest,
} from "../spec/index.ts";
import { parseStrategySpec } from "../strategies/index.ts";
import { createScriptedBackend, type ScriptedCompletion, testStrategyContext } from "../testing/index.ts";
import { usageByModel } from "../trace/index.ts";
import { bigLittleDecoder } from "./big-little-decoder.ts";
import { characterPrompts } from "./character-prompts.test-support.ts";

const base = "Q: 1+2=? A:";
const problem: Problem = { question: "1+2=?", prompt: { kind: "text", text: base } };
const solution = "\n1+2=3\n#### 3";
/** Where the small model is unsure: it would write 4 with probability 0.3 after `1+2=`. */
const unsure = 5;
/** Where the large model disagrees with what was written: the `2` of `1+2`. */
const disputed = 3;

function written(prompt: GenerationRequest["prompt"]): string {
  return prompt.kind === "text" ? prompt.text.slice(base.length) : "";
}

/** The rest of the solution from where the prompt stops, one token per character. */
function characters(from: number, logprob: (position: number) => number, slip?: number): ScriptedCompletion {
  const tokens = [...solution.slice(from)].map((character, offset) => {
    const position = from + offset;
    return position === slip
      ? { token: "4", logprob: Math.log(0.3) }
      : { token: character, logprob: logprob(position) };
  });
  return { text: tokens.map((token) => token.token).join(""), tokens };
}

/** The two models; `beforeScore` runs as the large model starts each reading. */
function models(beforeScore?: () => void) {
  const small = createScriptedBackend({
    model: "small",
    respond: (request) => characters(written(request.prompt).length, () => Math.log(0.9), unsure),
  });
  const scripted = createScriptedBackend({
    model: "large",
    respond: (request) => {
      const whole = characters(written(request.prompt).length, () => Math.log(0.9));
      const tokens = (whole.tokens ?? []).slice(0, request.maxTokens);
      const finishReason = tokens.length < (whole.tokens ?? []).length ? "length" : "stop";
      return { text: tokens.map((token) => token.token).join(""), tokens, finishReason };
    },
  });
  const scoreCalls: ScoreRequest[] = [];
  const large: Backend = {
    ...scripted,
    score: async (request) => {
      scoreCalls.push(request);
      beforeScore?.();
      const from = written(request.prompt).length;
      const tokens = [...request.continuation].map((token, offset) => ({
        token,
        logprob: from + offset === disputed ? Math.log(0.05) : Math.log(0.9),
      }));
      return {
        tokens,
        logprob: tokens.reduce((sum, token) => sum + token.logprob, 0),
        usage: { promptTokens: 10, completionTokens: 0, calls: 1 },
      };
    },
  };
  return {
    small,
    large,
    scripted,
    scoreCalls,
    named: [
      { name: "small", backend: small },
      { name: "large", backend: large },
    ],
  };
}

/** What a run of bild@0.5x0.1 under `limits` did: its answer, or the limit it threw, and what it spent. */
async function limitedRun(limits: BudgetLimits) {
  const { named, scoreCalls } = models();
  const routed = named.map((model) => ({ ...model, backend: characterPrompts(model.backend) }));
  const context = testStrategyContext({ backend: routed[1]!.backend, limits });
  const outcome = await bigLittleDecoder({ models: routed, fallback: 0.5, rollback: 0.1 })
    .run(problem, context)
    .then(
      (result) => ({ answer: result.answer, text: result.best?.text, stoppedBy: result.stoppedBy }),
      (error: unknown) => {
        if (!BudgetExhaustedError.isInstance(error)) throw error;
        return { answer: undefined, text: undefined, stoppedBy: error.reason };
      },
    );
  const { usage } = context.budget.spent();
  return {
    ...outcome,
    total: (usage.promptTokens ?? 0) + (usage.completionTokens ?? 0),
    calls: usage.calls,
    scoreCalls,
    trace: context.tracer.events(),
  };
}

describe("bigLittleDecoder", () => {
  it("falls back where the small model is unsure, rolls back what the large model doubts, and resumes", async () => {
    const { named, large, scripted, scoreCalls } = models();
    const result = await solve({
      problem,
      strategy: bigLittleDecoder({ models: named, fallback: 0.5, rollback: 0.1 }),
      backend: large,
    });
    expect(result.best?.text).toBe(solution);
    expect(result.answer).toBe("3");
    const generations = (result.trace as GenerationEvent[]).filter((event) => event.type === "generation");
    expect(generations.map((event) => [event.step, event.model, event.text, event.finishReason])).toEqual([
      [0, "small", "\n1+2=4", "cut"],
      [0, "large", "2", "length"],
      [1, "small", "=4", "cut"],
      [1, "large", "3", "length"],
      [2, "small", "\n#### 3", "stop"],
    ]);
    // The large model checked the small model's kept tokens before each of its turns: `\n1+2=` then `=`.
    expect(scoreCalls.map((call) => call.continuation)).toEqual(["\n1+2=", "="]);
    expect(scripted.calls.map((call) => call.request.maxTokens)).toEqual([1, 1]);
    const usage = usageByModel(result.trace);
    expect(usage.small?.completionTokens).toBe(6 + 2 + 7);
    expect(usage.large?.completionTokens).toBe(2);
    expect(result.usage.calls).toBe(5 + 2);
    // The large model's two readings (10 prompt tokens each) are counted for it: the models add up.
    const scores = result.trace.filter((event) => event.type === "score");
    expect(scores.map((event) => [event.model, event.value, event.usage?.promptTokens])).toEqual([
      ["large", 3, 10],
      ["large", 1, 10],
    ]);
    for (const field of ["promptTokens", "completionTokens", "calls"] as const) {
      expect((usage.small?.[field] ?? 0) + (usage.large?.[field] ?? 0)).toBe(result.usage[field]);
    }
    expect(
      result.trace.some((event) => event.type === "note" && event.message.includes("rolls back 2 of 5")),
    ).toBe(true);
  });

  it("reads only when the budget affords one more call, and answers nothing from the solution it cut", async () => {
    const { named, large, scoreCalls } = models();
    // Small, reading, large, small: the second reading would be a fifth call.
    const error = await solve({
      problem,
      strategy: bigLittleDecoder({ models: named, fallback: 0.5, rollback: 0.1 }),
      backend: large,
      budget: { maxCalls: 4 },
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(scoreCalls.map((call) => call.continuation)).toEqual(["\n1+2="]);
    expect(BudgetExhaustedError.isInstance(error)).toBe(true);
    expect((error as BudgetExhaustedError).reason).toBe("calls");
    expect((error as BudgetExhaustedError).spent?.usage.calls).toBe(4);
  });

  it("spends no more than maxTotalTokens, every prompt and reading counted, and answers only a finished solution", async () => {
    // Unlimited, the solution costs 122 tokens: the small model's drafts (prompts of 11, 15 and 17 characters;
    // 6, 2 and 7 tokens), two readings (16 tokens each) and the large model's two tokens (prompts of 14, 16).
    const whole = await limitedRun({});
    expect(whole).toMatchObject({ answer: "3", text: solution, stoppedBy: "complete", total: 122, calls: 7 });
    for (let limit = 1; limit <= 130; limit += 1) {
      const run = await limitedRun({ maxTotalTokens: limit });
      expect(run.total, `spent under maxTotalTokens ${limit}`).toBeLessThanOrEqual(limit);
      if (limit >= 122) {
        expect(run, `maxTotalTokens ${limit}`).toMatchObject({
          answer: "3",
          stoppedBy: "complete",
          total: 122,
        });
      } else {
        // Cut before the small model wrote `#### 3`: whatever it wrote, no answer is read from it.
        expect(run, `maxTotalTokens ${limit}`).toMatchObject({ answer: undefined, stoppedBy: "tokens" });
      }
    }
  });

  it("makes no reading the budget cannot afford: its prompt and the tokens it reads count", async () => {
    // The first draft spends 11 + 6 tokens; the reading of `\n1+2=` would charge 11 + 5 more.
    for (const [limit, readings] of [
      [32, 0],
      [33, 1],
    ] as const) {
      const run = await limitedRun({ maxTotalTokens: limit });
      expect(run.scoreCalls, `maxTotalTokens ${limit}`).toHaveLength(readings);
      expect(run.stoppedBy).toBe("tokens");
      expect(run.total).toBe(17 + 16 * readings);
    }
  });

  it("records and charges the last draft the budget cut mid-way, and answers nothing from it", async () => {
    // 98 tokens bring the solution to `\n1+2=3`; the last draft's prompt of 17 leaves it 5 of its 7 tokens.
    const run = await limitedRun({ maxTotalTokens: 120 });
    expect(run).toMatchObject({ answer: undefined, stoppedBy: "tokens", total: 120 });
    const generations = run.trace.filter((event): event is GenerationEvent => event.type === "generation");
    expect(generations.at(-1)).toMatchObject({
      model: "small",
      text: "\n####",
      finishReason: "length",
      completionTokens: 5,
    });
    expect(
      run.trace.some(
        (event) => event.type === "note" && event.message.includes("cut at 5 tokens by the budget"),
      ),
    ).toBe(true);
  });

  it("turns an abort during a reading into BudgetExhaustedError with that reason", async () => {
    const controller = new AbortController();
    // The reading fails as a backend's call does when its signal aborts.
    const { named, large } = models(() => {
      controller.abort(new Error("interrupted"));
      throw controller.signal.reason;
    });
    const error = await solve({
      problem,
      strategy: bigLittleDecoder({ models: named, fallback: 0.5, rollback: 0.1 }),
      backend: large,
      signal: controller.signal,
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(BudgetExhaustedError.isInstance(error)).toBe(true);
    expect((error as BudgetExhaustedError).reason).toBe("abort");
    // The small model's draft was made and charged; the aborted reading charged nothing.
    expect((error as BudgetExhaustedError).spent?.usage).toMatchObject({ calls: 1, completionTokens: 6 });
  });

  it("leaves a confident small model alone", async () => {
    const { named, large, scoreCalls } = models();
    const result = await solve({
      problem,
      strategy: bigLittleDecoder({ models: named, fallback: 0.2 }),
      backend: large,
    });
    expect(result.best?.text).toBe("\n1+2=4\n#### 3");
    expect(scoreCalls).toHaveLength(0);
    expect(Object.keys(usageByModel(result.trace))).toEqual(["small"]);
  });

  it("is named by bild@AxB or bild@A, and refuses a large model that cannot score", async () => {
    const { named, small } = models();
    const resolveModel = (name: string) => named.find((model) => model.name === name)!.backend;
    expect(parseStrategySpec("bild@0.5x0.2:small>large", { resolveModel }).parameters).toMatchObject({
      fallback: 0.5,
      rollback: 0.2,
    });
    expect(parseStrategySpec("bild@0.4:small>large", { resolveModel }).name).toBe("bild@0.4x0.1");
    const unscored = createScriptedBackend({ responses: ["x"], capabilities: { score: false } });
    await expect(
      solve({
        problem,
        strategy: bigLittleDecoder({
          models: [
            { name: "small", backend: small },
            { name: "unscored", backend: unscored },
          ],
          fallback: 0.5,
        }),
        backend: unscored,
      }),
    ).rejects.toSatisfy((error) => CapabilityError.isInstance(error) && error.capability === "score");
  });
});
