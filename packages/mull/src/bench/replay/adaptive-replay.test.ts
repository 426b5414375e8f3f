import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exactAnswerFormat } from "../../answers/index.ts";
import { adaptiveStopPoint, isAdaptive } from "./adaptive-stop-point.ts";
import { evaluateReplay } from "./evaluate-replay.ts";
import { type GradedProblem, gradeReplay } from "./grade-replay.ts";
import { loadReplay } from "./load-replay.ts";
import { parseReplayStrategies, parseReplayStrategy } from "./replay-strategy.ts";
import { type ReplayReport, runReplay } from "./run-replay.ts";

/** A problem whose answers (`null`: none) cost 1, 2, 4, … tokens: a total names exactly the samples it sums. */
function graded(id: string, answers: readonly (string | null)[], gold: string): GradedProblem {
  const samples = answers.map((answer, index) => ({ answer, completionTokens: 2 ** index }));
  return gradeReplay([{ id, gold, samples, location: `test.jsonl:${id}` }], exactAnswerFormat)[0]!;
}

function adaptive(spec: string) {
  const strategy = parseReplayStrategy(spec);
  if (!isAdaptive(strategy)) throw new Error(`${spec} is not adaptive`);
  return strategy;
}

describe("adaptive replay strategies", () => {
  it("asc stops once the Beta posterior clears the threshold; null answers do not vote", () => {
    const asc = adaptive("asc@16");
    expect(asc.threshold).toBe(0.95);
    // Four agreeing votes and no rival give 0.969 >= 0.95; a missing answer in between does not count.
    const problem = graded("1", ["7", null, "7", "7", "7", "8", "8"], "7");
    expect(adaptiveStopPoint(asc, problem.samples)).toBe(5);
    // At 0.99 four votes are not enough (five give 0.984, six 0.992).
    const strict = adaptive("asc@16:t0.99");
    expect(adaptiveStopPoint(strict, graded("2", ["7", "7", "7", "7", "7", "7", "7"], "7").samples)).toBe(6);
    // A rival keeps it going to k.
    expect(adaptiveStopPoint(asc, graded("3", ["1", "2", "1", "2"], "1").samples)).toBe(4);
  });

  it("asc@kd stops on the Dirichlet posterior, as the live asc@Nd: later when rivals split the votes", () => {
    const dirichlet = adaptive("asc@16d");
    expect(dirichlet).toMatchObject({ kind: "asc", k: 16, threshold: 0.95, posterior: "dirichlet" });
    // Four single-vote rivals: the Beta rule stops at the leader's sixth vote, the Dirichlet one at its eighth.
    const split = graded("1", ["1", "2", "1", "3", "1", "4", "1", "5", "1", "1", "1", "1", "1", "1"], "1");
    expect(adaptiveStopPoint(adaptive("asc@16"), split.samples)).toBe(10);
    expect(adaptiveStopPoint(dirichlet, split.samples)).toBe(12);
    // With two answers the two rules agree.
    const two = graded("2", ["1", "2", "1", "2", "1", "2", "1", "2", "1", "1", "1", "1", "1", "1"], "1");
    expect(adaptiveStopPoint(dirichlet, two.samples)).toBe(
      adaptiveStopPoint(adaptive("asc@16"), two.samples),
    );
    // probe-asc takes it too, with a threshold.
    expect(parseReplayStrategy("probe-asc@64m3d:t0.9")).toMatchObject({
      kind: "probe-asc",
      agreement: 3,
      threshold: 0.9,
      posterior: "dirichlet",
    });
  });

  it("esc stops after a unanimous window; a missing answer breaks the window", () => {
    const esc = adaptive("esc@12w3");
    expect(esc.window).toBe(3);
    expect(adaptiveStopPoint(esc, graded("1", ["1", "2", "2", "5", "5", "5", "6"], "5").samples)).toBe(6);
    const broken = graded("2", ["5", null, "5", "5", "5", "5", "9", "9", "9"], "5");
    // Window 1 holds a missing answer, window 2 (5, 5, 5) is unanimous.
    expect(adaptiveStopPoint(esc, broken.samples)).toBe(6);
    expect(adaptiveStopPoint(esc, graded("3", [null, null, null], "5").samples)).toBe(3);
  });

  it("mass stops once distinct traces certify the leader's probability mass, and votes by that mass", () => {
    // Texts a, a (one trace), c, b: 7 holds 0.3 + 0.25 after the fourth sample, 8 at most 0.1 + 0.35.
    const samples = [
      { text: "a #### 7", logprob: Math.log(0.3), completionTokens: 1 },
      { text: "a #### 7", logprob: Math.log(0.3), completionTokens: 2 },
      { text: "c #### 8", logprob: Math.log(0.1), completionTokens: 4 },
      { text: "b #### 7", logprob: Math.log(0.25), completionTokens: 8 },
      { text: "d #### 9", logprob: Math.log(0.01), completionTokens: 16 },
    ];
    const [problem] = gradeReplay(
      [{ id: "m", gold: "7", samples, location: "test.jsonl:m" }],
      exactAnswerFormat,
    );
    const mass = adaptive("mass@8");
    expect(mass.unexploredWeight).toBe(1);
    expect(adaptiveStopPoint(mass, problem!.samples)).toBe(4);
    // Weighing the uncovered mass at 0.4, 0.3 > 0.4 × 0.7 already holds after the first; at 0.5 it does not.
    expect(adaptiveStopPoint(adaptive("mass@8:u0.4"), problem!.samples)).toBe(1);
    expect(adaptiveStopPoint(adaptive("mass@8:u0.5"), problem!.samples)).toBe(4);
    // Without texts every sample is its own trace: the repeat adds 0.3, and 7 is certified at the second.
    const untexted = gradeReplay(
      [
        {
          id: "n",
          gold: "7",
          samples: samples.map(({ text, ...rest }) => ({ ...rest, answer: text.slice(-1) })),
          location: "test.jsonl:n",
        },
      ],
      exactAnswerFormat,
    )[0]!;
    expect(adaptiveStopPoint(mass, untexted.samples)).toBe(2);
    // Voting by mass over distinct traces: three unlikely 8s lose to one likely 7.
    const [byMass] = gradeReplay(
      [
        {
          id: "v",
          gold: "7",
          samples: [
            { text: "x #### 8", logprob: Math.log(0.02) },
            { text: "y #### 8", logprob: Math.log(0.02) },
            { text: "z #### 7", logprob: Math.log(0.2) },
            { text: "w #### 8", logprob: Math.log(0.02) },
          ],
          location: "test.jsonl:v",
        },
      ],
      exactAnswerFormat,
    );
    const [massResult, majority] = evaluateReplay([byMass!], parseReplayStrategies("mass@4,maj@4"), {
      resamples: 10,
    });
    expect(massResult?.outcomes[0]).toMatchObject({ answer: "7", samples: 4, score: 1 });
    expect(majority?.outcomes[0]).toMatchObject({ answer: "8", score: 0 });
    expect(() => parseReplayStrategy("maj@4:u0.5")).toThrow(/not a replay strategy/);
    expect(() => parseReplayStrategy("mass@4:u2")).toThrow(/unexploredWeight/);
  });

  it("charges exactly the tokens of the samples each strategy used", () => {
    const problems = [
      graded("a", ["4", "4", "4", "4", "1", "1", "1", "1"], "4"),
      graded("b", ["1", "2", "3", "2", "2", "2", "2", "2"], "2"),
    ];
    const results = evaluateReplay(problems, parseReplayStrategies("maj@8,asc@8,esc@8w4,maj@3"), {
      resamples: 10,
    });
    const byName = Object.fromEntries(results.map((result) => [result.strategy, result]));
    // maj@8 uses all eight: 2^0 + … + 2^7 = 255 on each problem.
    expect(byName["maj@8"]?.meanCompletionTokens).toBe(255);
    // asc: a stops after four "4"s (1 + 2 + 4 + 8 = 15); b reaches 0.95 only at its eighth sample (255).
    expect(byName["asc@8"]?.outcomes.map((outcome) => [outcome.samples, outcome.tokens])).toEqual([
      [4, 15],
      [8, 255],
    ]);
    expect(byName["asc@8"]?.meanSamples).toBe(6);
    // esc@8w4: a's first window is unanimous (15); b's second is (255).
    expect(byName["esc@8w4"]?.outcomes.map((outcome) => outcome.tokens)).toEqual([15, 255]);
    expect(byName["esc@8w4"]?.outcomes.map((outcome) => outcome.answer)).toEqual(["4", "2"]);
    expect(byName["maj@3"]?.outcomes.map((outcome) => [outcome.answer, outcome.score])).toEqual([
      ["4", 1],
      ["1", 0],
    ]);
    expect(byName["asc@8"]?.correct).toBe(2);
  });

  it("draws in given orders instead of seeded shuffles, and refuses orders that are not permutations", () => {
    const problems = [graded("a", ["1", "2", "2"], "2"), graded("b", ["3", "3", "4"], "4")];
    const strategies = parseReplayStrategies("maj@1");
    const [result] = evaluateReplay(problems, strategies, {
      orders: [
        [
          [1, 0, 2],
          [2, 1, 0],
        ],
        [
          [0, 1, 2],
          [0, 1, 2],
        ],
      ],
      resamples: 10,
    });
    // Draw 1 takes "2" and "4" (both right), draw 2 "1" and "3" (both wrong).
    expect(result?.outcomes.map((outcome) => outcome.score)).toEqual([0.5, 0.5]);
    expect(result?.outcomes.map((outcome) => outcome.tokens)).toEqual([(2 + 1) / 2, (4 + 1) / 2]);
    expect(result).toMatchObject({ budget: "random", shuffles: 2 });
    expect(() =>
      evaluateReplay(problems, strategies, {
        orders: [
          [
            [0, 0, 1],
            [0, 1, 2],
          ],
        ],
      }),
    ).toThrow(/replay: orders\[0\]\[0\] is not a permutation of the 3 samples of problem "a"/);
    expect(() => evaluateReplay(problems, strategies, { orders: [[[0, 1, 2]]] })).toThrow(
      /orders\[0\] orders 1 problems, but there are 2/,
    );
    expect(() =>
      evaluateReplay(problems, strategies, {
        orders: [
          [
            [0, 1, 2],
            [0, 1, 2],
          ],
        ],
        shuffles: 1,
      }),
    ).toThrow(/either shuffles or orders/);
  });

  it("refuses malformed adaptive specs, naming the flag and the value", () => {
    expect(parseReplayStrategy("asc@64:t0.9")).toEqual({
      name: "asc@64:t0.9",
      kind: "asc",
      k: 64,
      threshold: 0.9,
    });
    expect(() => parseReplayStrategy("esc@64")).toThrow(/--strategies: "esc@64" is not a replay strategy/);
    expect(() => parseReplayStrategy("maj@8w2")).toThrow(/"maj@8w2" is not a replay strategy/);
    expect(() => parseReplayStrategy("esc@8w2:t0.9")).toThrow(/is not a replay strategy/);
    expect(() => parseReplayStrategy("esc@4w8")).toThrow(
      /--strategies: esc@4w8: window must be an integer ≤ 4, got 8/,
    );
    expect(() => parseReplayStrategy("asc@8:t1.5")).toThrow(/--strategies: asc@8:t1.5: threshold must be/);
    expect(parseReplayStrategy("asc@64d:t0.9")).toEqual({
      name: "asc@64d:t0.9",
      kind: "asc",
      k: 64,
      threshold: 0.9,
      posterior: "dirichlet",
    });
    // Only the kinds that stop on Adaptive-Consistency's rule one sample at a time take a posterior.
    for (const spec of ["maj@8d", "esc@8w2d", "pasc@8d", "mass@8d", "accept@8d"]) {
      expect(() => parseReplayStrategy(spec), spec).toThrow(/is not a replay strategy/);
    }
    expect(() => parseReplayStrategy("asc@8d:t1.5")).toThrow(/--strategies: asc@8d:t1.5: threshold must be/);
  });
});

const replayData = path.resolve(import.meta.dirname, "../../../../../../shared/data/replay");
const files = ["aime24", "aime25", "hmmt25"].map((name) => ({
  name,
  file: path.join(replayData, `qwen3-1.7b-${name}-128.jsonl`),
}));
const present = files.every(({ file }) => existsSync(file));
if (!present)
  console.warn(`skipping the Qwen3-1.7B adaptive-stopping replay checks: ${replayData} is absent`);

/** The reference figures of `../shared/data/README.md`: accuracy % and mean tokens per problem, in k. */
const reference: Record<string, Record<string, readonly [number, number]>> = {
  aime24: { "maj@64": [72.5, 1026.6], "asc@64": [72.33, 469.6], "esc@64w8": [72.5, 908.1] },
  aime25: { "maj@64": [44.17, 1056.0], "asc@64": [44.17, 599.5], "esc@64w8": [44.17, 911.6] },
  hmmt25: { "maj@64": [25.0, 1134.7], "asc@64": [25.33, 607.1], "esc@64w8": [25.0, 1023.4] },
};

function figures(report: ReplayReport): Record<string, readonly [number, number]> {
  return Object.fromEntries(
    report.evaluations.map((evaluation) => [
      evaluation.strategy,
      [evaluation.accuracy.accuracy * 100, evaluation.meanCompletionTokens! / 1000] as const,
    ]),
  );
}

describe.skipIf(!present)(
  "replay reproduces the Qwen3-1.7B adaptive-stopping figures (../shared/data/replay, skipped when absent)",
  () => {
    it("on the reference's own draws: every accuracy and token count of the table, to its last digit", () => {
      for (const { name, file } of files) {
        const report = runReplay({
          samples: file,
          format: "qwen3-probes",
          strategies: "maj@64,asc@64,esc@64w8",
          // The reference's draws: draw s shuffles each problem's 128 samples in file order with one
          // `random.Random(s)`, s = 0…19; the first 64 of each shuffle are used.
          shuffle: "python",
          shuffles: 20,
          resamples: 10,
        });
        expect(report.answerFormat).toBe("exact");
        for (const [strategy, [accuracy, tokens]] of Object.entries(figures(report))) {
          const [expectedAccuracy, expectedTokens] = reference[name]![strategy]!;
          expect(accuracy.toFixed(2), `${name} ${strategy} accuracy`).toBe(expectedAccuracy.toFixed(2));
          expect(tokens.toFixed(1), `${name} ${strategy} tokens (k)`).toBe(expectedTokens.toFixed(1));
        }
      }
    });

    it("on the replay's own 20 seeded shuffles: the same figures within shuffle noise", () => {
      // Over 200 seeds, one 20-shuffle mean varies by a standard deviation of 0.4-0.5 points of accuracy
      // and 0.1% (SC@64), 0.5% (ESC) and 2% (ASC) of tokens; the reference is one such mean too. The
      // bounds are about three standard deviations of the difference of two such means.
      const tokenTolerance: Record<string, number> = { "maj@64": 0.01, "esc@64w8": 0.02, "asc@64": 0.07 };
      for (const { name, file } of files) {
        const report = runReplay({
          samples: file,
          format: "qwen3-probes",
          strategies: "maj@64,asc@64,esc@64w8",
          shuffles: 20,
          resamples: 10,
        });
        for (const [strategy, [accuracy, tokens]] of Object.entries(figures(report))) {
          const [expectedAccuracy, expectedTokens] = reference[name]![strategy]!;
          expect(Math.abs(accuracy - expectedAccuracy), `${name} ${strategy} accuracy`).toBeLessThanOrEqual(
            2,
          );
          expect(
            Math.abs(tokens / expectedTokens - 1),
            `${name} ${strategy} tokens ${tokens} vs ${expectedTokens}`,
          ).toBeLessThanOrEqual(tokenTolerance[strategy]!);
        }
        // Early stopping costs fewer tokens than the full vote on the very same draws.
        const own = figures(report);
        expect(own["asc@64"]![1]).toBeLessThan(own["esc@64w8"]![1]);
        expect(own["esc@64w8"]![1]).toBeLessThan(own["maj@64"]![1]);
      }
    });

    it("reads probes as intermediate answers 500 tokens apart, keeping each trace's tokens", () => {
      const dataset = loadReplay({ samples: files[0]!.file, format: "qwen3-probes" });
      expect(dataset.problems).toHaveLength(30);
      const [problem] = dataset.problems;
      expect(problem?.probeInterval).toBe(500);
      expect(problem?.gold).toBe("204");
      expect(problem?.samples[0]).toMatchObject({ answer: "204", completionTokens: 3963 });
      expect(problem?.samples[0]?.intermediateAnswers).toEqual([
        "3.5",
        "3.6",
        null,
        "204",
        "204",
        "204",
        "204",
        "204",
      ]);
    });
  },
);
