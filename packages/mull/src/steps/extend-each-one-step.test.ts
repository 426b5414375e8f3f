import { describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { labProblem } from "../lab/index.ts";
import { seededRng } from "../runtime/index.ts";
import type { Backend, BudgetLimits, StrategyContext } from "../spec/index.ts";
import { createScriptedBackend, startFakeOpenAIServer, testStrategyContext } from "../testing/index.ts";
import { extendEachOneStep } from "./extend-each-one-step.ts";
import { createStepCostMeter } from "./step-cost-meter.ts";

function contextFor(backend: Backend, limits: BudgetLimits = {}): StrategyContext {
  return testStrategyContext({ backend, limits, seed: 2, parentId: "run", sampling: { temperature: 1 } });
}

const problem = labProblem({ operands: [30, 444, 273], operators: ["+", "+"] });

describe("extendEachOneStep", () => {
  it("extends every partial concurrently, each under its own node, in order", async () => {
    const backend = createScriptedBackend({
      respond: (request) =>
        request.prompt.kind === "text" && request.prompt.text.endsWith("474\n")
          ? "474+273=747"
          : "30+444=474",
    });
    const context = contextFor(backend);
    const wave = await extendEachOneStep({
      problem,
      partials: [
        { steps: [], n: 2, parentId: "a" },
        { steps: ["30+444=474"], n: 1, parentId: "b" },
      ],
      context,
      meter: createStepCostMeter(),
    });
    expect(wave.stoppedBy).toBe("complete");
    expect(wave.extensions.map((list) => list.map((extension) => extension.step))).toEqual([
      ["30+444=474", "30+444=474"],
      ["474+273=747"],
    ]);
    expect(wave.extensions[1]![0]).toMatchObject({ parentId: "b", steps: ["30+444=474", "474+273=747"] });
    expect(wave.usage.calls).toBe(2);
    const seeds = backend.calls.map((call) => call.request.seed);
    const rng = seededRng(2);
    expect(seeds).toEqual([rng.nextSeed(), rng.nextSeed()]);
  });

  it("under a generated-token limit, measures one step first and starts only what the budget affords", async () => {
    // Every step is 4 word tokens.
    const backend = createScriptedBackend({ responses: ["one two three four"] });
    const context = contextFor(backend, { maxCompletionTokens: 30 });
    const partials = Array.from({ length: 10 }, () => ({ steps: [], n: 1 }));
    const wave = await extendEachOneStep({ problem, partials, context, meter: createStepCostMeter() });
    const extended = wave.extensions.filter((list) => list.length > 0).length;
    // 30 tokens buy 7 steps of 4: the probe, then 6 more.
    expect(extended).toBe(7);
    expect(wave.extensions.slice(0, 7).every((list) => list.length === 1)).toBe(true);
    expect(wave.stoppedBy).toBe("completion-tokens");
    expect(context.budget.spent().usage.completionTokens).toBeLessThanOrEqual(30);
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });
});

describe("extendEachOneStep on an HTTP backend", () => {
  it("extends nothing, stopped by the abort, and asks the server nothing when the run was aborted before the wave", async () => {
    const server = await startFakeOpenAIServer();
    const paths: string[] = [];
    const backend = createOpenAICompatibleBackend({
      baseUrl: server.url,
      model: "fake-model",
      fetch: (input, init) => {
        paths.push(new URL(String(input)).pathname);
        return fetch(input, init);
      },
    });
    try {
      const context = testStrategyContext({ backend, signal: AbortSignal.abort(), parentId: "run" });
      const wave = await extendEachOneStep({
        problem,
        partials: [
          { steps: [], n: 2, parentId: "a" },
          { steps: ["30+444=474"], n: 1, parentId: "b" },
        ],
        context,
        meter: createStepCostMeter(),
      });
      expect(wave).toEqual({
        extensions: [[], []],
        stoppedBy: "abort",
        usage: { promptTokens: 0, completionTokens: 0, calls: 0 },
      });
      expect(paths).toEqual([]);
    } finally {
      await backend.dispose();
      await server.close();
    }
  });
});
