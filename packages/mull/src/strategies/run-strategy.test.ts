import { describe, expect, it } from "vitest";
import { addUsage } from "../budget/index.ts";
import { BudgetExhaustedError } from "../errors/index.ts";
import { configRefusal, rejection } from "../runtime/rejection.test-support.ts";
import { llmJudgeScorer, programmaticScorer } from "../scoring/index.ts";
import { solve } from "../solve.ts";
import type { Candidate, StopReason, Strategy } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { bestOfN } from "./best-of-n.ts";
import { runStrategy } from "./run-strategy.ts";
import { selfConsistency } from "./self-consistency.ts";
import { withEarlyStop } from "./with-early-stop.ts";

const checker = programmaticScorer({
  name: "checker",
  check: (_problem, solution) => solution.answer === "4",
});

/** Runs two nested strategies and keeps the second's answer: a wrapper in miniature. */
function twoStages(first: Strategy, second: Strategy, seen: unknown[]): Strategy {
  return {
    name: "two-stages",
    parameters: {},
    samples: first.samples + second.samples,
    async run(problem, context) {
      const one = await runStrategy(first, problem, context);
      const two = await runStrategy(second, problem, context);
      seen.push(one, two);
      return { ...two, candidates: [...one.candidates, ...two.candidates] };
    },
  };
}

describe("runStrategy", () => {
  it("measures a strategy's usage and score calls on its child budget, and charges them to the parent", async () => {
    const backend = createScriptedBackend({
      responses: ["#### 4", "#### 5", "#### 4"],
      capabilities: { n: false },
    });
    const seen: { usage: unknown; scoreCalls: number }[] = [];
    const result = await solve({
      problem: "2+2?",
      strategy: twoStages(selfConsistency({ n: 3 }), bestOfN({ n: 2, scorer: checker }), seen as never[]),
      backend,
    });
    const [first, second] = seen as unknown as Awaited<ReturnType<typeof runStrategy>>[];
    expect(first!.usage.calls).toBe(3);
    expect(first!.scoreCalls).toBe(0);
    expect(second!.usage.calls).toBe(2);
    // bon@2 invokes its checker once: a scorer call, charged to the parent too.
    expect(second!.scoreCalls).toBe(1);
    // The whole run is the sum of its parts, and of what the backend reported.
    expect(result.usage).toEqual(addUsage(first!.usage, second!.usage));
    expect(result.usage.calls).toBe(backend.calls.length);
    expect(result.scoreCalls).toBe(1);
    const generations = result.trace.filter((event) => event.type === "generation");
    const reported = addUsage(
      ...generations.flatMap((event) => (event.usage === undefined ? [] : [event.usage])),
    );
    expect(result.usage).toEqual(reported);
  });

  it("ends a run that the budget cut before it produced anything, and puts what it spent on the error", async () => {
    const backend = createScriptedBackend({ responses: ["#### 4", "#### 5"], capabilities: { n: false } });
    const starved: Strategy = {
      name: "starved",
      parameters: {},
      samples: 1,
      run: async () => {
        throw new BudgetExhaustedError("calls");
      },
    };
    const context = testStrategyContext({ backend });
    const error = await rejection(
      runStrategy(twoStages(selfConsistency({ n: 2 }), starved, []), { question: "2+2?" }, context),
    );
    expect(BudgetExhaustedError.isInstance(error)).toBe(true);
    // The outermost run's account: the two samples of the first stage.
    expect((error as BudgetExhaustedError).spent?.usage.calls).toBe(2);
    expect((error as BudgetExhaustedError).spent?.scoreCalls).toBe(0);
    const events = context.tracer.events();
    const starts = events.filter((event) => event.type === "run-start");
    const ends = events.filter((event) => event.type === "run-end");
    // Every run that started ended: sc@2 complete, then the starved run and its wrapper cut by calls.
    expect(ends.map((event) => [event.parentId, event.stoppedBy])).toEqual([
      [starts[1]!.id, "complete"],
      [starts[2]!.id, "calls"],
      [starts[0]!.id, "calls"],
    ]);
    expect(ends[2]!.type === "run-end" && ends[2]!.usage.calls).toBe(2);
  });

  it("counts a judge's calls as score calls of the nested run and of the whole run", async () => {
    const judgeBackend = createScriptedBackend({ responses: ["Score: 9/10", "Score: 2/10"] });
    const judge = llmJudgeScorer({ backend: judgeBackend, concurrency: 1 });
    const seen: { scoreCalls: number }[] = [];
    const result = await solve({
      problem: "2+2?",
      strategy: twoStages(selfConsistency({ n: 1 }), bestOfN({ n: 2, scorer: judge }), seen as never[]),
      backend: createScriptedBackend({ responses: ["#### 4", "#### 5"] }),
    });
    expect(seen.map((run) => run.scoreCalls)).toEqual([0, 2]);
    expect(result.scoreCalls).toBe(2);
    expect(judgeBackend.calls).toHaveLength(2);
  });

  it("records each run as a trace node under its parent, with its own usage at its end", async () => {
    const seen: unknown[] = [];
    const result = await solve({
      problem: "2+2?",
      strategy: twoStages(selfConsistency({ n: 2 }), selfConsistency({ n: 1 }), seen),
      backend: createScriptedBackend({ responses: ["#### 4"] }),
      seed: 7,
    });
    const starts = result.trace.filter((event) => event.type === "run-start");
    expect(starts.map((event) => event.strategy)).toEqual(["two-stages", "sc@2", "sc@1"]);
    const [root, inner1, inner2] = starts;
    expect(root).toMatchObject({ parentId: undefined, seed: 7 });
    expect(inner1).toMatchObject({ parentId: root!.id });
    expect(inner1).not.toHaveProperty("seed");
    expect(inner2!.parentId).toBe(root!.id);
    for (const inner of [inner1!, inner2!]) {
      const generations = result.trace.filter(
        (event) => event.type === "generation" && event.parentId === inner.id,
      );
      expect(generations.length).toBeGreaterThan(0);
      const end = result.trace.find((event) => event.type === "run-end" && event.parentId === inner.id);
      expect(end).toMatchObject({ answer: "4", stoppedBy: "complete" });
    }
    expect(result.trace.at(-1)).toMatchObject({ type: "run-end", parentId: root!.id });
  });

  it("marks a run cut by the budget as partial, and a planned stop as not", async () => {
    const cut = await solve({
      problem: "q",
      strategy: "sc@6",
      backend: createScriptedBackend({ responses: ["#### 1"], capabilities: { n: false } }),
      budget: { maxCalls: 2 },
    });
    expect(cut).toMatchObject({ stoppedBy: "calls", partial: true });
    expect(cut.usage.calls).toBe(2);
    const planned: Strategy = {
      name: "planned",
      parameters: {},
      samples: 1,
      run: async () => ({ answer: "1", best: undefined, candidates: [], stoppedBy: "condition:enough" }),
    };
    const stopped = await solve({
      problem: "q",
      strategy: planned,
      backend: createScriptedBackend({ responses: ["x"] }),
    });
    expect(stopped).toMatchObject({ stoppedBy: "condition:enough", partial: false, scoreCalls: 0 });
    expect(stopped.usage).toEqual({ promptTokens: 0, completionTokens: 0, calls: 0 });
  });

  it("throws BudgetExhaustedError with the limit when a limit cut a run before any sample finished; no unanswered best", async () => {
    const unanswered: Candidate = {
      id: "g0",
      text: "305+512=817\n817-178=",
      answer: undefined,
      finishReason: "cut",
      completionTokens: 8,
      scores: [],
    };
    // What a search cut before any path finished returns: its deepest partial, cut short.
    const returning = (stoppedBy: StopReason): Strategy => ({
      name: "unfinished",
      parameters: {},
      samples: 1,
      run: async () => ({ answer: undefined, best: unanswered, candidates: [unanswered], stoppedBy }),
    });
    const backend = createScriptedBackend({ responses: ["x"] });
    for (const reason of ["calls", "tokens", "completion-tokens", "score-calls", "time", "cost"] as const) {
      const context = testStrategyContext({ backend });
      const error = await rejection(runStrategy(returning(reason), { question: "q" }, context));
      expect(BudgetExhaustedError.isInstance(error) && error.reason).toBe(reason);
      const cut = reason === "time" ? "the time limit passed" : `the budget ran out (${reason})`;
      expect((error as BudgetExhaustedError).message).toBe(`${cut} before any answer was produced`);
      expect((error as BudgetExhaustedError).spent).toEqual({
        usage: { promptTokens: 0, completionTokens: 0, calls: 0 },
        scoreCalls: 0,
      });
      const ends = context.tracer.events().filter((event) => event.type === "run-end");
      expect(ends).toMatchObject([{ answer: undefined, stoppedBy: reason }]);
    }
    // A run that ran its plan, that a stop condition ended, or that the caller aborted, returns without an
    // answer and without a best.
    for (const stoppedBy of ["complete", "condition:enough", "abort"] as const) {
      const result = await runStrategy(
        returning(stoppedBy),
        { question: "q" },
        testStrategyContext({ backend }),
      );
      expect(result).toMatchObject({ answer: undefined, best: undefined, stoppedBy });
      expect(result.partial).toBe(stoppedBy === "abort");
      expect(result.candidates).toEqual([unanswered]);
    }
  });

  it("returns samples that finished without an answer before a cut, without a best; none finished throws", async () => {
    const unanswered = createScriptedBackend({ responses: ["I am not sure."], capabilities: { n: false } });
    const cut = await solve({ problem: "q", strategy: "sc@4", backend: unanswered, budget: { maxCalls: 2 } });
    expect(cut).toMatchObject({ answer: undefined, best: undefined, partial: true, stoppedBy: "calls" });
    expect(cut.candidates.map((candidate) => candidate.text)).toEqual(["I am not sure.", "I am not sure."]);
    // The same samples in a run that was not cut: an answerless result too.
    const planned = await solve({
      problem: "q",
      strategy: "sc@2",
      backend: createScriptedBackend({ responses: ["I am not sure."], capabilities: { n: false } }),
    });
    expect(planned).toMatchObject({
      answer: undefined,
      best: undefined,
      partial: false,
      stoppedBy: "complete",
    });
    expect(planned.candidates).toHaveLength(2);
    // A limit that leaves no sample finished: nothing to return.
    const error = await rejection(
      solve({
        problem: "q",
        strategy: "sc@4",
        backend: createScriptedBackend({ responses: ["I am not sure."], capabilities: { n: false } }),
        budget: { maxCalls: 0 },
      }),
    );
    expect(BudgetExhaustedError.isInstance(error) && error.reason).toBe("calls");
  });

  it("lets a wrapper keep its earlier answer when a later nested run is cut before answering", async () => {
    const backend = createScriptedBackend({
      responses: ["#### 4", "#### 4", "I am not sure."],
      capabilities: { n: false },
    });
    const result = await solve({
      problem: "2+2?",
      strategy: withEarlyStop(selfConsistency({ n: 4 }), { rounds: 2 }),
      backend,
      budget: { maxCalls: 3 },
    });
    expect(backend.calls).toHaveLength(3);
    expect(result).toMatchObject({ answer: "4", stoppedBy: "calls", partial: true });
    expect(result.best?.answer).toBe("4");
    // The second round ended in the trace, cut by calls, with no answer.
    const ends = result.trace.filter((event) => event.type === "run-end");
    expect(ends.map((event) => event.type === "run-end" && [event.answer, event.stoppedBy])).toEqual([
      ["4", "complete"],
      [undefined, "calls"],
      ["4", "calls"],
    ]);
  });

  it("names a strategy whose run returns something other than an outcome, instead of failing on it", async () => {
    const returning = (outcome: unknown): Strategy => ({
      name: "two-agree@4",
      parameters: {},
      samples: 4,
      run: async () => outcome as never,
    });
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    const nothing = await configRefusal(() =>
      solve({ problem: "q", strategy: returning(undefined), backend }),
    );
    expect(nothing.message).toBe(
      "runStrategy: strategy two-agree@4 returned undefined; expected an outcome { answer, best, candidates, votes, stoppedBy }",
    );
    const context = testStrategyContext({ backend });
    const done = { answer: "3", best: undefined, candidates: [], stoppedBy: "done" };
    const unknownReason = await configRefusal(() => runStrategy(returning(done), { question: "q" }, context));
    expect(unknownReason.message).toMatch(
      /^runStrategy: strategy two-agree@4 returned stoppedBy "done"; expected one of complete, tokens, /,
    );
    expect(unknownReason.field).toBe("stoppedBy");
  });

  it("refuses a strategy without the name a result reports, or with a sample count below 1", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    const run = async () => ({
      answer: "1",
      best: undefined,
      candidates: [],
      stoppedBy: "complete" as const,
    });
    const bare = await configRefusal(() => solve({ problem: "q", strategy: { run } as never, backend }));
    expect(bare.message).toMatch(
      /^solve is invalid:\n {2}strategy\.name: missing; expected a non-empty string/,
    );
    const context = testStrategyContext({ backend });
    const none = { name: "none", parameters: {}, samples: 0, run };
    expect((await configRefusal(() => runStrategy(none, { question: "q" }, context))).message).toBe(
      "runStrategy: strategy.samples must be an integer ≥ 1, got 0",
    );
    expect(context.tracer.events()).toEqual([]);
  });

  it("names missing or malformed arguments before it records anything", async () => {
    const untyped = runStrategy as (...given: unknown[]) => Promise<unknown>;
    const none = await configRefusal(() => untyped());
    expect(none.message).toBe(
      "runStrategy is invalid:\n" +
        "  strategy: missing; expected a strategy (an object with a run method)\n" +
        "  problem: missing; expected a problem (an object with a question string)\n" +
        "  context: missing; expected a strategy context (an object with backend, budget, rng, clock, tracer, …)",
    );
    expect(none.field).toBe("strategy");
    const context = testStrategyContext({ backend: createScriptedBackend({ responses: ["#### 1"] }) });
    const strategy = selfConsistency({ n: 1 });
    expect((await configRefusal(() => untyped(strategy, "What is 1?", context))).message).toBe(
      'runStrategy: problem must be a problem (an object with a question string), got "What is 1?"',
    );
    const { tracer: _tracer, ...withoutTracer } = context;
    expect((await configRefusal(() => untyped(strategy, { question: "q" }, withoutTracer))).message).toBe(
      "runStrategy: context.tracer: missing; expected a tracer (an object with a record method)",
    );
    expect(
      (await configRefusal(() => untyped(strategy, { question: "q" }, context, { seed: 1.5 }))).message,
    ).toBe("runStrategy: options.seed must be an integer, got 1.5");
    expect(context.tracer.events()).toEqual([]);
  });

  it("records the strategy's selection note before its run ends, and none for a wrapper's round", async () => {
    const seen: (readonly Candidate[])[] = [];
    const noting: Strategy = {
      ...selfConsistency({ n: 2 }),
      selectionNote: (candidates) => {
        seen.push(candidates);
        return `chose among ${candidates.length}`;
      },
    };
    const context = testStrategyContext({ backend: createScriptedBackend({ responses: ["#### 4"] }) });
    const result = await runStrategy(noting, { question: "q" }, context);
    expect(seen).toEqual([result.candidates]);
    const events = context.tracer.events();
    const start = events.find((event) => event.type === "run-start")!;
    expect(events.slice(-2)).toMatchObject([
      { type: "note", parentId: start.id, message: "chose among 2" },
      { type: "run-end", parentId: start.id },
    ]);
    const round = testStrategyContext({ backend: createScriptedBackend({ responses: ["#### 4"] }) });
    await runStrategy(noting, { question: "q" }, round, { round: true });
    expect(round.tracer.events().some((event) => event.type === "note")).toBe(false);
    expect(seen).toHaveLength(1);
  });

  it("refuses a selection note that is not a function, and a round flag that is not a boolean", async () => {
    const context = testStrategyContext({ backend: createScriptedBackend({ responses: ["#### 4"] }) });
    const strategy = { ...selfConsistency({ n: 1 }), selectionNote: "tie" } as never;
    expect((await configRefusal(() => runStrategy(strategy, { question: "q" }, context))).message).toBe(
      'runStrategy: strategy.selectionNote must be a function or undefined, got "tie"',
    );
    const untyped = runStrategy as (...given: unknown[]) => Promise<unknown>;
    const flag = { round: "yes" };
    expect(
      (await configRefusal(() => untyped(selfConsistency({ n: 1 }), { question: "q" }, context, flag)))
        .message,
    ).toBe('runStrategy: options.round must be a boolean, got "yes"');
    expect(context.tracer.events()).toEqual([]);
  });
});
