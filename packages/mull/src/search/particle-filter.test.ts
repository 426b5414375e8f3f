import { describe, expect, it } from "vitest";
import { generateLabProblems, labProcessReward } from "../lab/index.ts";
import { selfLogprobReward } from "../process-rewards/index.ts";
import { solve } from "../solve.ts";
import type { ProcessRewardModel } from "../spec/index.ts";
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
    const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.3 }) });
    const result = await solve({
      problem: problem!,
      strategy: particleGibbs({ n: 4, iterations: 3, prm: labProcessReward() }),
      backend,
      seed: 2,
      sampling: { temperature: 1 },
    });
    const events = result.trace;
    const references = events.filter(
      (event) => event.type === "selection" && event.method === "pg:reference",
    );
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
    for (const reference of references) {
      if (reference.type !== "selection") continue;
      const path = pathOf(reference.chosen[0]!);
      const sweep = `pg:multinomial:sweep-${references.indexOf(reference) + 2}`;
      const resamplings = events.filter((event) => event.type === "selection" && event.method === sweep);
      // In the next sweep, particle 0 is the reference's node at each depth.
      resamplings.forEach((selection, depth) => {
        if (selection.type === "selection")
          expect(selection.chosen[0]).toBe(path[Math.min(depth, path.length - 1)]);
      });
    }
    expect(result.answer).toBe(problem!.gold);
  });
});
