import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "../errors/index.ts";
import { generateLabProblems, labProcessReward } from "../lab/index.ts";
import { manualClock } from "../runtime/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { solve } from "../solve.ts";
import type {
  BudgetLimits,
  Problem,
  ProcessRewardModel,
  SolveResult,
  Strategy,
  TraceEvent,
} from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { aStarDecoding } from "./a-star-decoding.ts";
import { beamSearch } from "./beam-search.ts";
import { diverseVerifierTreeSearch } from "./diverse-verifier-tree-search.ts";
import { monteCarloTreeSearch } from "./monte-carlo-tree-search.ts";
import { particleFilter } from "./particle-filter.ts";
import { particleGibbs } from "./particle-gibbs.ts";
import { slipResponder } from "./slip-responder.test-support.ts";
import { treeOfThoughtsBfs } from "./tree-of-thoughts-bfs.ts";
import { treeOfThoughtsDfs } from "./tree-of-thoughts-dfs.ts";

const exact = labProcessReward();
const problems = generateLabProblems({ level: 4, count: 5, seed: 11 });

function strategies(prm: ProcessRewardModel): Strategy[] {
  return [
    beamSearch({ n: 8, width: 2, prm }),
    beamSearch({ n: 8, width: 2, lookahead: 1, prm }),
    diverseVerifierTreeSearch({ n: 16, width: 4, prm }),
    particleFilter({ n: 16, prm }),
    particleFilter({ n: 16, prm, resampling: "systematic" }),
    particleGibbs({ n: 8, iterations: 2, prm }),
    aStarDecoding({ k: 4, prm }),
    treeOfThoughtsBfs({ breadth: 3, k: 5, prm }),
    treeOfThoughtsDfs({ k: 3, prm }),
    monteCarloTreeSearch({ simulations: 96, prm }),
    monteCarloTreeSearch({ simulations: 32, prm, value: "rollout" }),
  ];
}

async function run(
  strategy: Strategy | string,
  problem: Problem,
  options: { seed?: number; slip?: number; budget?: BudgetLimits; prm?: ProcessRewardModel } = {},
): Promise<SolveResult> {
  const backend = createScriptedBackend({ respond: slipResponder({ slip: options.slip ?? 0.4 }) });
  return solve({
    problem,
    strategy,
    backend,
    seed: options.seed ?? 1,
    sampling: { temperature: 1 },
    ...(options.budget === undefined ? {} : { budget: options.budget }),
  });
}

/** Checks that the generations form a tree under the run, with step indices following depth. */
function expectSearchTree(trace: readonly TraceEvent[]): void {
  const byId = new Map(trace.map((event) => [event.id, event]));
  const runId = trace[0]!.id;
  const depth = new Map<string, number>();
  let generations = 0;
  for (const event of trace) {
    if (event.type === "generation") {
      generations += 1;
      const parent = event.parentId === undefined ? undefined : byId.get(event.parentId);
      expect(parent).toBeDefined();
      if (event.step !== undefined) {
        const expected = parent!.type === "run-start" ? 0 : (depth.get(parent!.id) ?? -1) + 1;
        expect(parent!.type === "run-start" || parent!.type === "generation").toBe(true);
        expect(event.step).toBe(expected);
        depth.set(event.id, event.step);
      }
    }
    if (event.type === "score") expect(byId.get(event.parentId!)?.type).toBe("generation");
    if (event.type === "selection") {
      for (const id of [...event.chosen, ...event.dropped]) expect(byId.get(id)?.type).toBe("generation");
      expect(event.parentId).toBe(runId);
    }
  }
  expect(generations).toBeGreaterThan(0);
}

describe("step-level searches with the exact PRM on a toy problem", () => {
  it("sampling alone mostly fails: a single sample at this slip rate is rarely right", async () => {
    let right = 0;
    for (const [index, problem] of problems.entries()) {
      for (let seed = 0; seed < 8; seed += 1) {
        const result = await run("single", problem, { seed: seed * 10 + index });
        if (result.answer === problem.gold) right += 1;
      }
    }
    // 0.6⁴ ≈ 13% expected.
    expect(right / 40).toBeLessThan(0.35);
  });

  for (const strategy of strategies(exact)) {
    it(`${strategy.name} finds the right answer on every problem, with its search tree in the trace`, async () => {
      for (const problem of problems) {
        const result = await run(strategy, problem);
        expect(result.answer, `${strategy.name} on ${problem.question}`).toBe(problem.gold);
        expect(result.partial).toBe(false);
        expect(result.best?.steps).toHaveLength(5);
        expect(result.best?.scores[0]).toMatchObject({ scorer: "lab-step-checker", kind: "process" });
        expect(result.candidates.length).toBeGreaterThan(0);
        expectSearchTree(result.trace);
      }
    });
  }
});

describe("the final pick among complete solutions", () => {
  // The exact checker, except that it rejects every answer line: "last" then sees nothing but zeros.
  const distrustsAnswers: ProcessRewardModel = {
    name: "distrusts-answers",
    score: async (problem, solutions, options) => {
      const { results } = await exact.score(problem, solutions, options);
      return {
        results: results.map((result, index) => ({
          rewards: result.rewards.map((reward, step) =>
            solutions[index]![step]!.startsWith("####") ? 0 : reward,
          ),
        })),
        calls: 0,
      };
    },
  };

  it("ranks complete solutions by their mean step reward by default, or by the aggregation asked for", async () => {
    const problem = problems[1]!;
    for (const [finalAggregation, scorer] of [
      [undefined, "distrusts-answers:mean"],
      ["last", "distrusts-answers:last"],
    ] as const) {
      const result = await run(
        beamSearch({ n: 8, width: 2, prm: distrustsAnswers, finalAggregation }),
        problem,
      );
      const complete = result.candidates.filter((candidate) => candidate.answer !== undefined);
      const value = (candidate: (typeof complete)[number]) =>
        candidate.scores.find((score) => score.scorer === scorer)?.value ?? Number.NaN;
      expect(complete.length).toBeGreaterThan(1);
      expect(result.best?.scores.map((score) => score.scorer)).toContain(scorer);
      expect(value(result.best!)).toBe(Math.max(...complete.map(value)));
      if (finalAggregation === undefined) expect(result.answer).toBe(problem.gold);
    }
  });
});

/** What a run under `budget` came to: its result, or the `BudgetExhaustedError` it threw. */
async function cutRun(strategy: Strategy, budget: BudgetLimits): Promise<SolveResult | BudgetExhaustedError> {
  try {
    return await run(strategy, problems[0]!, { budget });
  } catch (error) {
    if (BudgetExhaustedError.isInstance(error)) return error;
    throw error;
  }
}

/** A PRM that counts its invocations: the exact checker underneath, reporting no model call. */
function countingPrm(): ProcessRewardModel & { invocations: number } {
  const counting = {
    name: "counting",
    invocations: 0,
    score: (...args: Parameters<ProcessRewardModel["score"]>) => {
      counting.invocations += 1;
      return exact.score(...args);
    },
  };
  return counting;
}

describe("step-level searches under a budget", () => {
  for (const strategy of strategies(exact)) {
    it(`${strategy.name} cut by a generated-token limit answers from a finished path, or throws the limit`, async () => {
      const full = await run(strategy, problems[0]!);
      const limit = Math.max(2, Math.floor((full.usage.completionTokens ?? 0) / 3));
      const cut = await cutRun(strategy, { maxCompletionTokens: limit });
      let spent: number;
      if (BudgetExhaustedError.isInstance(cut)) {
        // No path had finished: no best so far to return, and the error names the limit.
        expect(cut.reason).toBe("completion-tokens");
        spent = cut.spent!.usage.completionTokens!;
      } else {
        expect(cut.stoppedBy).toBe("completion-tokens");
        expect(cut.partial).toBe(true);
        expect(cut.answer).toBeDefined();
        expect(cut.best?.answer).toBe(cut.answer);
        spent = cut.usage.completionTokens!;
      }
      // A wave is sized to the budget from the mean step cost: it may overrun by the final lines only.
      expect(spent).toBeLessThan(limit + 16);
      expect(spent).toBeLessThan(full.usage.completionTokens!);
    });
  }

  for (const strategy of strategies(exact)) {
    it(`${strategy.name} cut one scorer call short still answers with the paths that had finished`, async () => {
      // Without slips every finished path is right: the answer can only come from one of them.
      const problem = problems[0]!;
      const full = await run(strategy, problem, { slip: 0 });
      expect(full.answer).toBe(problem.gold);
      const cut = await run(strategy, problem, { slip: 0, budget: { maxScoreCalls: full.scoreCalls - 1 } });
      expect(cut).toMatchObject({ stoppedBy: "score-calls", partial: true, answer: problem.gold });
      expect(cut.best?.answer).toBe(problem.gold);
      expect(cut.best?.finishReason).toBe("stop");
    });
  }

  it("falls back to a majority vote over the finished paths when none was scored, and says so", async () => {
    const problem = problems[0]!;
    const beam = beamSearch({ n: 4, width: 2, prm: exact });
    const full = await run(beam, problem);
    const cut = await run(beam, problem, { budget: { maxScoreCalls: full.scoreCalls - 1 } });
    const finished = cut.candidates.filter((candidate) => candidate.finishReason === "stop");
    expect(finished.length).toBeGreaterThan(0);
    // The last wave's paths finished, and the limit cut their scoring.
    expect(finished.every((candidate) => candidate.scores.length === 0)).toBe(true);
    const notes = cut.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes).toContain(
      `search: no finished path was scored by lab-step-checker:mean (${finished.length} finished, stopped by score-calls); falling back to a majority vote`,
    );
    const votes = cut.trace.filter((event) => event.type === "vote");
    expect(votes.at(-1)).toMatchObject({ method: "majority", winner: cut.answer });
    const counts = new Map<string, number>();
    for (const candidate of finished) counts.set(candidate.answer!, (counts.get(candidate.answer!) ?? 0) + 1);
    expect(counts.get(cut.answer!)).toBe(Math.max(...counts.values()));
  });

  it("beam@4x2 cut by maxCalls before any path finished throws BudgetExhaustedError naming calls", async () => {
    const beam = beamSearch({ n: 4, width: 2, prm: exact });
    const cut = await rejection(run(beam, problems[0]!, { budget: { maxCalls: 3 } }));
    expect(BudgetExhaustedError.isInstance(cut)).toBe(true);
    expect((cut as BudgetExhaustedError).reason).toBe("calls");
    expect((cut as BudgetExhaustedError).spent?.usage.calls).toBe(3);
  });

  it("counts every PRM invocation as a scorer call, though the exact checker asks no model", async () => {
    const prm = countingPrm();
    const result = await run(particleFilter({ n: 4, prm }), problems[0]!);
    expect(prm.invocations).toBeGreaterThan(1);
    expect(result.scoreCalls).toBe(prm.invocations);
    // One invocation scores every particle of a step: more score events than scorer calls, none uncounted.
    const events = result.trace.filter((event) => event.type === "score");
    expect(events.length).toBeGreaterThan(prm.invocations);
  });

  it("stops at a PRM call limit, charged through chargeScore, after that many invocations", async () => {
    const paid = countingPrm();
    const cut = await cutRun(particleFilter({ n: 4, prm: paid }), { maxScoreCalls: 2 });
    // Two steps scored, none of the particles finished: nothing to answer with.
    expect(paid.invocations).toBe(2);
    expect(BudgetExhaustedError.isInstance(cut) && cut.reason).toBe("score-calls");
    expect(BudgetExhaustedError.isInstance(cut) && cut.spent?.scoreCalls).toBe(2);
    // A search that finished a path before the limit answers with it, best so far, still partial.
    const rollouts = countingPrm();
    const answered = await cutRun(
      monteCarloTreeSearch({ simulations: 32, prm: rollouts, value: "rollout" }),
      { maxScoreCalls: 2 },
    );
    expect(rollouts.invocations).toBe(2);
    expect(answered).toMatchObject({ stoppedBy: "score-calls", partial: true, scoreCalls: 2 });
    expect(BudgetExhaustedError.isInstance(answered)).toBe(false);
    const result = answered as SolveResult;
    expect(result.answer).toBeDefined();
    expect(result.best?.answer).toBe(result.answer);
  });

  it("stops at the time limit, with nothing finished to answer", async () => {
    const clock = manualClock();
    const backend = createScriptedBackend({
      respond: slipResponder({ slip: 0.4 }),
      onCall: () => clock.advance(10),
    });
    const cut = await rejection(
      solve({
        problem: problems[0]!,
        strategy: beamSearch({ n: 4, width: 2, prm: exact }),
        backend,
        clock,
        budget: { maxMilliseconds: 25 },
      }),
    );
    expect(BudgetExhaustedError.isInstance(cut) && cut.reason).toBe("time");
  });

  it("bounds a whole solution by the run's maxTokens: steps get what is left, then the partial is complete", async () => {
    const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.4 }) });
    const result = await solve({
      problem: problems[0]!,
      strategy: particleFilter({ n: 4, prm: exact }),
      backend,
      seed: 1,
      sampling: { temperature: 1, maxTokens: 3 },
    });
    // Each arithmetic line is one token: three lines use up the solution, before its answer line.
    expect(result.candidates.length).toBeGreaterThan(0);
    for (const candidate of result.candidates) {
      expect(candidate.steps).toHaveLength(3);
      expect(candidate.finishReason).toBe("length");
    }
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual(
      backend.calls.map((call) => {
        const prompt = call.request.prompt;
        const written =
          prompt.kind === "text" ? prompt.text.split("A:")[1]!.split("\n").filter(Boolean).length : 0;
        return 3 - written;
      }),
    );
  });

  it("is reproducible under a seed, and another seed searches differently", async () => {
    for (const strategy of strategies(exact)) {
      const first = await run(strategy, problems[1]!, { seed: 5 });
      const again = await run(strategy, problems[1]!, { seed: 5 });
      const timeless = (result: SolveResult) => result.trace.map(({ time: _time, ...event }) => event);
      expect(timeless(again)).toEqual(timeless(first));
    }
    const texts = async (seed: number) =>
      (await run(particleFilter({ n: 8, prm: exact }), problems[1]!, { seed })).trace.flatMap((event) =>
        event.type === "generation" ? [event.text] : [],
      );
    expect(await texts(6)).not.toEqual(await texts(7));
  });
});
