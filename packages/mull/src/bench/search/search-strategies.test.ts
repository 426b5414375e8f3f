import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { seededRng, seedFromText } from "../../runtime/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import { type StrategyTally, searchStrategies } from "./search-strategies.ts";

function problems(prefix: string, count: number): BenchProblem[] {
  return Array.from({ length: count }, (_, index) => ({ id: `${prefix}${index}`, question: "?", gold: "1" }));
}

/** A deterministic evaluator: each spec solves a problem with its accuracy (search and holdout may differ). */
function evaluator(profiles: Record<string, { search: number; holdout?: number; tokens: number }>) {
  const runs: { specs: string[]; problems: number; stage: string }[] = [];
  const evaluate = async (specs: readonly string[], batch: readonly BenchProblem[], stage: string) => {
    runs.push({ specs: [...specs], problems: batch.length, stage });
    const tallies = new Map<string, StrategyTally>();
    for (const spec of specs) {
      const profile = profiles[spec]!;
      let correct = 0;
      for (const problem of batch) {
        const accuracy = problem.id!.startsWith("h") ? (profile.holdout ?? profile.search) : profile.search;
        if ((seedFromText(`${spec}/${problem.id}`) % 1000) / 1000 < accuracy) correct += 1;
      }
      tallies.set(spec, { problems: batch.length, correct, tokens: profile.tokens * batch.length });
    }
    return tallies;
  };
  return { evaluate, runs };
}

describe("searchStrategies", () => {
  it("halves the candidates each round on doubling problems and chooses the best", async () => {
    const profiles = Object.fromEntries(
      [0.3, 0.45, 0.5, 0.55, 0.6, 0.9, 0.4, 0.35].map((accuracy, index) => [
        `s${index}`,
        { search: accuracy, tokens: 100 },
      ]),
    );
    const { evaluate, runs } = evaluator(profiles);
    const result = await searchStrategies({
      candidates: Object.keys(profiles),
      search: problems("s", 200),
      holdout: problems("h", 200),
      evaluate,
      rng: seededRng(1),
    });
    expect(result.rounds.map((round) => [round.problems, round.standings.length, round.kept.length])).toEqual(
      [
        [50, 8, 4],
        [100, 4, 2],
        [200, 2, 1],
      ],
    );
    expect(result.chosen.spec).toBe("s5");
    expect(result.chosen.source).toBe("search");
    // Successive halving ran 8×50 + 4×50 + 2×100 = 800 (problem, candidate) pairs on the search split, not 1,600.
    const searchPairs = runs
      .filter((run) => run.stage.startsWith("round-"))
      .reduce((sum, run) => sum + run.specs.length * run.problems, 0);
    expect(searchPairs).toBe(800);
    // The leader led every round; its holdout run was made once.
    expect(runs.filter((run) => run.stage.startsWith("holdout-")).map((run) => run.specs)).toEqual([["s5"]]);
  });

  it("weighs tokens by the token cost", async () => {
    const profiles = { cheap: { search: 0.7, tokens: 200 }, costly: { search: 0.8, tokens: 5000 } };
    const search = problems("s", 300);
    const holdout = problems("h", 300);
    const free = await searchStrategies({
      candidates: ["cheap", "costly"],
      search,
      holdout,
      ...evaluator(profiles),
      rng: seededRng(2),
    });
    expect(free.chosen.spec).toBe("costly");
    // At 4 points per thousand tokens, 4,800 more tokens cost 19 points: more than the 10 they buy.
    const priced = await searchStrategies({
      candidates: ["cheap", "costly"],
      search,
      holdout,
      ...evaluator(profiles),
      rng: seededRng(2),
      tokenCost: 4,
    });
    expect(priced.chosen.spec).toBe("cheap");
    expect(priced.rounds[0]!.standings.map((standing) => standing.spec)).toEqual(["cheap", "costly"]);
  });

  it("does not choose a leader that overfits the search split: the holdout answers for it, and the next is checked", async () => {
    const profiles = {
      lucky: { search: 0.95, holdout: 0.4, tokens: 100 },
      steady: { search: 0.75, tokens: 100 },
    };
    const result = await searchStrategies({
      candidates: ["lucky", "steady"],
      search: problems("s", 200),
      holdout: problems("h", 200),
      ...evaluator(profiles),
      rng: seededRng(3),
    });
    const [lucky, steady] = result.rounds[0]!.checked;
    expect(lucky).toMatchObject({ spec: "lucky", holdout: { source: "holdout" } });
    expect(lucky!.holdout.value).toBeLessThan(0.5);
    expect(steady).toMatchObject({ spec: "steady", holdout: { source: "search" } });
    expect(result.chosen).toMatchObject({ spec: "steady", source: "search" });
  });

  it("keeps a leader the holdout finds better than the search did, checking no other", async () => {
    const profiles = {
      modest: { search: 0.75, holdout: 0.95, tokens: 100 },
      other: { search: 0.5, tokens: 100 },
    };
    const result = await searchStrategies({
      candidates: ["modest", "other"],
      search: problems("s", 200),
      holdout: problems("h", 200),
      ...evaluator(profiles),
      rng: seededRng(3),
    });
    expect(result.rounds[0]!.checked.map((checked) => [checked.spec, checked.holdout.source])).toEqual([
      ["modest", "holdout"],
    ]);
    expect(result.chosen.spec).toBe("modest");
    expect(result.chosen.holdoutObjective).toBeGreaterThan(0.85);
  });

  it("reports a perfect holdout as 100%, never above, and has it agree with a perfect search", async () => {
    const profiles = { first: { search: 1, tokens: 100 }, second: { search: 0.5, holdout: 1, tokens: 100 } };
    for (let seed = 1; seed <= 40; seed += 1) {
      const result = await searchStrategies({
        candidates: ["first", "second"],
        search: problems("s", 3),
        holdout: problems("h", 3),
        ...evaluator(profiles),
        rng: seededRng(seed),
        noise: 0.04,
      });
      const answers = result.rounds.flatMap((round) => round.checked.map((checked) => checked.holdout));
      // The leader's 100% on both splits agrees; nothing the holdout says of either lies above 100%.
      expect(answers[0]).toEqual({ value: 1, source: "search" });
      expect(Math.max(...answers.map((answer) => answer.value))).toBeLessThanOrEqual(1);
      expect(result.chosen).toMatchObject({ spec: "first", holdoutObjective: 1, source: "search" });
    }
  });

  it("lets an objective less a token cost go below 0 on the holdout", async () => {
    const profiles = { cheap: { search: 0.2, tokens: 9000 }, costly: { search: 0.1, tokens: 9000 } };
    const result = await searchStrategies({
      candidates: ["cheap", "costly"],
      search: problems("s", 100),
      holdout: problems("h", 100),
      ...evaluator({ ...profiles, cheap: { ...profiles.cheap, holdout: 0 } }),
      rng: seededRng(4),
      tokenCost: 5,
    });
    // 9,000 tokens at 5 points per thousand cost 45 points: every objective is below 0, none refused or raised to 0.
    const answers = result.rounds[0]!.checked.map((checked) => checked.holdout);
    expect(answers[0]!.source).toBe("holdout");
    expect(answers[0]!.value).toBeLessThan(-0.3);
  });

  it("refuses too few candidates or problems, naming the field", async () => {
    const { evaluate } = evaluator({ a: { search: 1, tokens: 1 }, b: { search: 1, tokens: 1 } });
    const base = { search: problems("s", 10), holdout: problems("h", 10), evaluate, rng: seededRng(1) };
    const field = async (promise: Promise<unknown>) =>
      promise.then(
        () => "accepted",
        (error) => (ConfigError.isInstance(error) ? error.field : String(error)),
      );
    expect(await field(searchStrategies({ ...base, candidates: ["a"] }))).toBe("candidates");
    expect(await field(searchStrategies({ ...base, candidates: ["a", "a"] }))).toBe("candidates");
    expect(await field(searchStrategies({ ...base, candidates: ["a", "b"], holdout: [] }))).toBe("holdout");
    expect(await field(searchStrategies({ ...base, candidates: ["a", "b"], tokenCost: -1 }))).toBe(
      "tokenCost",
    );
  });
});
