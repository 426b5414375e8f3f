import { describe, expect, it } from "vitest";
import { generateLabProblems, labProcessReward } from "../lab/index.ts";
import { selfLogprobReward } from "../process-rewards/index.ts";
import { solve } from "../solve.ts";
import type { ProcessRewardModel, SelectionEvent, SolveResult, TraceEvent } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { particleFilter } from "./particle-filter.ts";
import { particleGibbs } from "./particle-gibbs.ts";
import { slipResponder } from "./slip-responder.test-support.ts";

const [problem] = generateLabProblems({ level: 2, count: 1, seed: 4 });

/** A PRM that says nothing: every step gets the same reward. */
const indifferent: ProcessRewardModel = {
  name: "indifferent",
  score: async (_problem, solutions) => ({
    results: solutions.map((steps) => ({ rewards: steps.map(() => 0.5) })),
    calls: 0,
  }),
};

/** The answer of each of `trials` seeded runs of a strategy (or of one independent sample). */
async function answers(strategy: Parameters<typeof solve>[0]["strategy"], trials: number, offset: number) {
  const drawn: string[] = [];
  for (let trial = 0; trial < trials; trial += 1) {
    const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.3 }) });
    const result = await solve({
      problem: problem!,
      strategy,
      backend,
      seed: offset + trial,
      sampling: { temperature: 1 },
    });
    drawn.push(result.answer ?? "none");
  }
  return drawn;
}

/** Two-sample chi-square over answer categories (rare answers pooled into one category). */
function twoSampleChiSquare(
  first: readonly string[],
  second: readonly string[],
): { statistic: number; freedom: number } {
  const count = (sample: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const answer of sample) counts.set(answer, (counts.get(answer) ?? 0) + 1);
    return counts;
  };
  const a = count(first);
  const b = count(second);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const common = keys.filter((key) => (a.get(key) ?? 0) + (b.get(key) ?? 0) >= 20);
  const cells = [
    ...common.map((key) => [a.get(key) ?? 0, b.get(key) ?? 0] as const),
    [
      first.length - common.reduce((sum, key) => sum + (a.get(key) ?? 0), 0),
      second.length - common.reduce((sum, key) => sum + (b.get(key) ?? 0), 0),
    ] as const,
  ].filter(([x, y]) => x + y > 0);
  const total = first.length + second.length;
  let statistic = 0;
  for (const [x, y] of cells) {
    const expectedFirst = ((x + y) * first.length) / total;
    const expectedSecond = ((x + y) * second.length) / total;
    statistic += (x - expectedFirst) ** 2 / expectedFirst + (y - expectedSecond) ** 2 / expectedSecond;
  }
  return { statistic, freedom: cells.length - 1 };
}

/** 99.9th percentiles of chi-square by degrees of freedom. */
const critical = [0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59];

/** One seeded run of `strategy` on the lab problem with a policy that slips at 0.3. */
async function solveOnce(
  strategy: Parameters<typeof solve>[0]["strategy"],
  seed: number,
): Promise<SolveResult> {
  const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.3 }) });
  return solve({ problem: problem!, strategy, backend, seed, sampling: { temperature: 1 } });
}

function selections(events: readonly TraceEvent[], method: string): SelectionEvent[] {
  return events.filter(
    (event): event is SelectionEvent => event.type === "selection" && event.method === method,
  );
}

/** Checks that particle 0 of each sweep after the first retraces the reference drawn after the sweep before. */
function expectReferenceRetraced(events: readonly TraceEvent[]): void {
  const references = selections(events, "pg:reference");
  expect(references.length).toBeGreaterThanOrEqual(1);
  const parents = new Map(events.map((event) => [event.id, event.parentId]));
  const pathOf = (id: string) => {
    const path = [id];
    for (
      let parent = parents.get(id);
      parent !== undefined && parents.get(parent) !== undefined;
      parent = parents.get(parent)
    ) {
      path.unshift(parent);
    }
    return path;
  };
  for (const [index, reference] of references.entries()) {
    const path = pathOf(reference.chosen[0]!);
    // In the next sweep, particle 0 is the reference's node at each depth.
    selections(events, `pg:multinomial:sweep-${index + 2}`).forEach((selection, depth) => {
      expect(selection.chosen[0]).toBe(path[Math.min(depth, path.length - 1)]);
    });
  }
}

describe("particleFilter", () => {
  it("with all rewards equal, answers like independent sampling (chi-square over seeded trials)", async () => {
    const trials = 400;
    const filtered = await answers(particleFilter({ n: 4, prm: indifferent }), trials, 0);
    const independent = await answers("single", trials, 10_000);
    const { statistic, freedom } = twoSampleChiSquare(filtered, independent);
    expect(freedom).toBeGreaterThanOrEqual(2);
    expect(statistic).toBeLessThan(critical[freedom]!);
    // The same test does tell an informative PRM apart.
    const guided = await answers(particleFilter({ n: 4, prm: labProcessReward() }), trials, 20_000);
    const against = twoSampleChiSquare(guided, independent);
    expect(against.statistic).toBeGreaterThan(critical[against.freedom]!);
  }, 60_000);

  it("records each resampling with normalised weights proportional to the odds of the rewards", async () => {
    // A soft checker: 0.8 for a right step, 0.2 for a wrong one (odds 4 and 1/4).
    const soft: ProcessRewardModel = {
      name: "soft",
      score: async (scored, solutions) => ({
        results: (await labProcessReward().score(scored, solutions)).results.map((result) => ({
          rewards: result.rewards.map((reward) => (reward === 1 ? 0.8 : 0.2)),
        })),
        calls: 0,
      }),
    };
    const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.3 }) });
    const result = await solve({
      problem: problem!,
      strategy: particleFilter({ n: 6, prm: soft, softmaxTemperature: 0.5 }),
      backend,
      seed: 3,
      sampling: { temperature: 1 },
    });
    const selections = result.trace.filter((event) => event.type === "selection");
    expect(selections.length).toBeGreaterThan(0);
    let compared = 0;
    for (const selection of selections) {
      if (selection.type !== "selection") continue;
      expect(selection.method).toBe("pf:multinomial");
      expect(selection.chosen).toHaveLength(6);
      expect(selection.weights).toHaveLength(6);
      expect(selection.weights!.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 12);
      // Odds 4 against 1/4 at temperature 0.5: a good particle weighs 16² = 256 times a bad one.
      const distinct = [...new Set(selection.weights!.map((weight) => weight.toPrecision(10)))].map(Number);
      if (distinct.length === 2) {
        expect(Math.max(...distinct) / Math.min(...distinct)).toBeCloseTo(256, 3);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it("with systematic resampling and all rewards equal, keeps every particle exactly once", async () => {
    const result = await solveOnce(particleFilter({ n: 8, prm: indifferent, resampling: "systematic" }), 1);
    const resamplings = selections(result.trace, "pf:systematic");
    // Two resamplings: after the first and the second of the three steps. A multinomial draw of 8 from 8
    // equal weights is a permutation only 8!/8⁸ ≈ 0.24% of the time.
    expect(resamplings).toHaveLength(2);
    for (const selection of resamplings) {
      expect(new Set(selection.chosen).size).toBe(8);
      expect(selection.dropped).toEqual([]);
    }
  });

  it("with the policy's own step log-prob, reads it from generation and makes no scoring call", async () => {
    const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.3 }) });
    const prm = selfLogprobReward({ backend });
    const result = await solve({
      problem: problem!,
      strategy: particleFilter({ n: 4, prm }),
      backend,
      seed: 1,
      sampling: { temperature: 1 },
    });
    expect(result.answer).toBeDefined();
    expect(backend.calls.every((call) => call.request.logprobs === true)).toBe(true);
    expect(backend.scoreCalls).toHaveLength(0);
    const scores = result.trace.filter((event) => event.type === "score");
    const lines = new Map(
      result.trace.flatMap((event) => (event.type === "generation" ? [[event.id, event.text.trim()]] : [])),
    );
    // A right line has probability 1 − slip = 0.7, a slip 0.3, the final line 1: the reward of the step
    // each score is for, read off that step's own line.
    expect(scores.length).toBeGreaterThan(0);
    let arithmetic = 0;
    for (const score of scores) {
      if (score.type !== "score") continue;
      const line = lines.get(score.parentId ?? "");
      const reward = score.steps?.at(-1);
      const operation = /^(-?\d+)([+-])(\d+)=(-?\d+)$/.exec(line ?? "");
      if (operation === null) {
        expect(line).toMatch(/^#### /);
        expect(reward).toBeCloseTo(1, 12);
        continue;
      }
      const [, left, operator, right, written] = operation;
      const value = operator === "+" ? Number(left) + Number(right) : Number(left) - Number(right);
      expect(reward).toBeCloseTo(value === Number(written) ? 0.7 : 0.3, 12);
      arithmetic += 1;
    }
    expect(arithmetic).toBeGreaterThan(0);
  });
});

describe("particleGibbs", () => {
  it("keeps the reference trajectory through every resampling of a later sweep", async () => {
    const result = await solveOnce(particleGibbs({ n: 4, iterations: 3, prm: labProcessReward() }), 2);
    expectReferenceRetraced(result.trace);
    expect(result.answer).toBe(problem!.gold);
  });

  it("keeps the reference in slot 0 of every later resampling even when it weighs no more than the others", async () => {
    // With equal weights a draw of N would leave particle 0 out about a third of the time.
    for (const seed of [1, 2, 3, 4]) {
      const result = await solveOnce(particleGibbs({ n: 4, iterations: 3, prm: indifferent }), seed);
      expect(selections(result.trace, "pg:multinomial:sweep-3").length).toBeGreaterThan(0);
      expectReferenceRetraced(result.trace);
    }
  });

  it("samples only the N − 1 other particles in a later sweep: the reference is retraced, not extended", async () => {
    const result = await solveOnce(particleGibbs({ n: 4, iterations: 2, prm: labProcessReward() }), 2);
    const start = result.trace.findIndex(
      (event) => event.type === "selection" && event.method === "pg:reference",
    );
    expect(start).toBeGreaterThan(0);
    const perStep = new Map<number, number>();
    for (const event of result.trace.slice(start)) {
      if (event.type === "generation" && event.step !== undefined)
        perStep.set(event.step, (perStep.get(event.step) ?? 0) + 1);
    }
    // Three steps deep (two operations and the answer), three particles sampled at each.
    expect([...perStep.entries()]).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
  });

  it("draws each next reference among the final particles by weight, not always keeping the current one", async () => {
    let changed = 0;
    for (const seed of [1, 2, 3, 4]) {
      const result = await solveOnce(particleGibbs({ n: 4, iterations: 4, prm: indifferent }), seed);
      const references = selections(result.trace, "pg:reference").map((selection) => selection.chosen[0]);
      expect(references).toHaveLength(4);
      for (let index = 1; index < references.length; index += 1) {
        if (references[index] !== references[index - 1]) changed += 1;
      }
    }
    // Equal weights keep the reference with probability 1/4 or so at each of the 12 draws.
    expect(changed).toBeGreaterThan(3);
  });

  it("votes over every sweep's final particles, the reference counted again in each sweep it ends", async () => {
    const result = await solveOnce(
      particleGibbs({ n: 4, iterations: 2, prm: labProcessReward(), select: "majority" }),
      2,
    );
    // Two sweeps of 4 final particles: 8 votes, though the reference ends both sweeps as one path.
    expect(Object.values(result.votes ?? {}).reduce((sum, count) => sum + count, 0)).toBe(8);
    const finished = result.candidates.filter((candidate) => candidate.finishReason === "stop");
    expect(finished).toHaveLength(7);
  });
});
