import { describe, expect, it } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import { syntheticRun } from "../../testing/index.ts";
import { accuracyByDifficulty } from "./accuracy-by-difficulty.ts";
import { bootstrapAccuracy } from "./bootstrap-accuracy.ts";
import { strategyCoverage } from "./strategy-coverage.ts";
import { strategyOrder } from "./strategy-order.ts";
import { summarizeStrategies } from "./strategy-summary.ts";

describe("run summaries", () => {
  const run = syntheticRun({ seed: 5, problems: 45 });

  it("summarise each strategy's accuracy from its results, reproducibly from the run's seed", () => {
    const summaries = summarizeStrategies(run, { resamples: 200 });
    expect(summaries.map((summary) => summary.strategy)).toEqual(["greedy", "sc@4", "sc@8", "bon@8"]);
    for (const summary of summaries) {
      const results = run.results.filter((result) => result.strategy === summary.strategy);
      const correct = results.filter((result) => result.correct).length;
      expect(summary.correct).toBe(correct);
      expect(summary.accuracy.accuracy).toBeCloseTo(correct / results.length, 12);
      expect(summary.accuracy.lower).toBeLessThanOrEqual(summary.accuracy.accuracy);
      expect(summary.usage.totalTokens?.total).toBe(
        results.reduce((sum, result) => sum + (result.promptTokens ?? 0) + (result.completionTokens ?? 0), 0),
      );
    }
    expect(summaries.find((summary) => summary.strategy === "sc@8")).toMatchObject({
      series: "sc@N",
      counterpart: undefined,
    });
    expect(summaries.find((summary) => summary.strategy === "bon@8")?.verifier?.judged).toBe(45);
    expect(summaries.find((summary) => summary.strategy === "sc@8")?.verifier).toBeUndefined();
    expect(summarizeStrategies(run, { resamples: 200 })).toEqual(summaries);
  });

  it("draw each strategy's interval from its own fork of the seed, in strategy order", () => {
    /** The intervals a bootstrap seeded with `seed` gives, one fork per strategy in order. */
    const intervals = (seed: number) => {
      const rng = seededRng(seed);
      return ["greedy", "sc@4", "sc@8", "bon@8"].map((strategy) =>
        bootstrapAccuracy(
          run.results.filter((result) => result.strategy === strategy).map((result) => result.correct),
          { rng: rng.fork(), resamples: 200 },
        ),
      );
    };
    const accuracies = (seed?: number) =>
      summarizeStrategies(run, { resamples: 200, seed }).map((summary) => summary.accuracy);
    // By default the run's own seed, 5.
    expect(accuracies()).toEqual(intervals(5));
    expect(accuracies(99)).toEqual(intervals(99));
    expect(accuracies(99)).not.toEqual(accuracies());
  });

  it("order strategies by the manifest, then by first appearance", () => {
    const extra = {
      ...run,
      manifest: { ...run.manifest, strategies: ["sc@8", "missing", "greedy"] },
    };
    expect(strategyOrder(extra)).toEqual(["sc@8", "greedy", "sc@4", "bon@8"]);
  });

  it("break accuracy down by difficulty, in natural order", () => {
    const levels = ["Level 10", "Level 2", "Level 1"];
    const leveled = {
      ...run,
      problems: run.problems.map((problem, index) => ({ ...problem, difficulty: levels[index % 3] })),
    };
    const rows = accuracyByDifficulty(leveled).filter((row) => row.strategy === "greedy");
    expect(rows.map((row) => row.difficulty)).toEqual(["Level 1", "Level 2", "Level 10"]);
    for (const row of rows) {
      const ids = new Set(
        leveled.problems.filter((problem) => problem.difficulty === row.difficulty).map((p) => p.id),
      );
      const results = run.results.filter(
        (result) => result.strategy === "greedy" && ids.has(result.problemId),
      );
      expect(row.problems).toBe(results.length);
      expect(row.accuracy).toBeCloseTo(
        results.filter((result) => result.correct).length / results.length,
        12,
      );
    }
    expect(
      accuracyByDifficulty({ ...run, problems: run.problems.map(({ id, gold }) => ({ id, gold })) }),
    ).toEqual([]);
  });

  it("draw each strategy's coverage curve from its samples", () => {
    const curves = strategyCoverage(run);
    const sc8 = curves.find((curve) => curve.strategy === "sc@8");
    expect(sc8?.maxK).toBe(8);
    expect(sc8?.points).toHaveLength(8);
    const singleSample =
      run.samples.filter((sample) => sample.strategy === "sc@8" && sample.correct).length /
      run.samples.filter((sample) => sample.strategy === "sc@8").length;
    expect(sc8?.points[0]?.coverage).toBeCloseTo(singleSample, 12);
    for (let index = 1; index < (sc8?.points.length ?? 0); index += 1) {
      expect(sc8!.points[index]!.coverage).toBeGreaterThanOrEqual(sc8!.points[index - 1]!.coverage);
    }
    expect(sc8?.fit?.b).toBeLessThan(0);
    expect(curves.find((curve) => curve.strategy === "greedy")?.fit).toBeUndefined();
  });
});
