import { ConfigError } from "../../errors/index.ts";
import { passAtK } from "../../metrics/index.ts";
import { checkInteger, seededRng } from "../../runtime/index.ts";
import type { Rng } from "../../spec/index.ts";
import { type AccuracyEstimate, bootstrapAccuracy } from "../metrics/index.ts";
import { chooseSample, type SelectingKind } from "./choose-sample.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import type { RewardScale } from "./replay-dataset.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";

/** Settings of `evaluateReplay`. */
export interface EvaluateReplayOptions {
  /**
   * Without it, each strategy uses the first k samples of every problem. With it, k samples are drawn
   * at random (the first k of a seeded shuffle) and results are averaged over this many shuffles.
   */
  readonly shuffles?: number | undefined;
  /** Seed of the shuffles and of the bootstrap; default 0. */
  readonly seed?: number | undefined;
  /** Bootstrap resamples for the accuracy interval; default 1000. */
  readonly resamples?: number | undefined;
  /** Confidence level of the interval; default 0.95. */
  readonly confidence?: number | undefined;
  /** How rewards become voting weights for `wv@k`; default `probability`. */
  readonly rewardScale?: RewardScale | undefined;
}

/** One strategy's offline result over a replay dataset. */
export interface ReplayEvaluation {
  readonly strategy: string;
  readonly kind: ReplayStrategy["kind"];
  readonly k: number;
  readonly problems: number;
  /** Accuracy over problems (a problem's score is averaged over shuffles), with a bootstrap interval. */
  readonly accuracy: AccuracyEstimate;
  /** Problems solved (expected number, when averaged over shuffles). */
  readonly correct: number;
  /** Mean samples a problem's answer costs (1 for `mean@k`: it is the accuracy of a single sample). */
  readonly meanSamples: number;
  /** Mean completion tokens of those samples per problem; `undefined` when any count is unknown. */
  readonly meanCompletionTokens: number | undefined;
  /** Mean characters of those samples' texts per problem; `undefined` when a text is missing. */
  readonly meanCharacters: number | undefined;
  /** `first`: the first k samples; `random`: k at random, averaged over `shuffles`. */
  readonly budget: "first" | "random";
  readonly shuffles: number | undefined;
}

interface ProblemOutcome {
  readonly score: number;
  readonly samples: number;
  readonly tokens: number | undefined;
  readonly characters: number | undefined;
}

function sumKnown(values: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const value of values) {
    if (value === undefined) return undefined;
    total += value;
  }
  return total;
}

function meanKnown(values: readonly (number | undefined)[]): number | undefined {
  const total = sumKnown(values);
  return total === undefined || values.length === 0 ? undefined : total / values.length;
}

function scale(value: number | undefined, factor: number): number | undefined {
  return value === undefined ? undefined : value * factor;
}

/** The outcome of one strategy on one subset of a problem's samples. */
function subsetOutcome(
  problem: GradedProblem,
  subset: readonly GradedSample[],
  strategy: ReplayStrategy,
  rewardScale: RewardScale,
): ProblemOutcome {
  const tokens = subset.map((sample) => sample.completionTokens);
  const characters = subset.map((sample) => sample.characters);
  if (strategy.kind === "mean") {
    return {
      score: subset.filter((sample) => sample.correct).length / subset.length,
      samples: 1,
      tokens: meanKnown(tokens),
      characters: meanKnown(characters),
    };
  }
  const cost = { samples: subset.length, tokens: sumKnown(tokens), characters: sumKnown(characters) };
  if (strategy.kind === "pass") return { score: subset.some((sample) => sample.correct) ? 1 : 0, ...cost };
  const chosen = chooseSample(
    problem,
    subset,
    strategy as ReplayStrategy & { kind: SelectingKind },
    rewardScale,
  );
  return { score: chosen !== undefined && subset[chosen]!.correct ? 1 : 0, ...cost };
}

/** mean@k and pass@k have closed forms over uniformly random k-subsets; no shuffles are needed. */
function expectedOutcome(problem: GradedProblem, strategy: ReplayStrategy): ProblemOutcome {
  const n = problem.samples.length;
  const drawn = Math.min(strategy.k, n);
  const correct = problem.samples.filter((sample) => sample.correct).length;
  const meanTokens = meanKnown(problem.samples.map((sample) => sample.completionTokens));
  const meanCharacters = meanKnown(problem.samples.map((sample) => sample.characters));
  if (strategy.kind === "mean") {
    return { score: correct / n, samples: 1, tokens: meanTokens, characters: meanCharacters };
  }
  return {
    score: passAtK(n, correct, drawn),
    samples: drawn,
    tokens: scale(meanTokens, drawn),
    characters: scale(meanCharacters, drawn),
  };
}

function shuffledIndices(length: number, rng: Rng): number[] {
  const indices = Array.from({ length }, (_, index) => index);
  for (let index = length - 1; index > 0; index -= 1) {
    const other = Math.floor(rng.next() * (index + 1));
    [indices[index], indices[other]] = [indices[other]!, indices[index]!];
  }
  return indices;
}

function averageOutcomes(outcomes: readonly ProblemOutcome[]): ProblemOutcome {
  const count = outcomes.length;
  const tokens = sumKnown(outcomes.map((outcome) => outcome.tokens));
  const characters = sumKnown(outcomes.map((outcome) => outcome.characters));
  return {
    score: outcomes.reduce((sum, outcome) => sum + outcome.score, 0) / count,
    samples: outcomes.reduce((sum, outcome) => sum + outcome.samples, 0) / count,
    tokens: scale(tokens, 1 / count),
    characters: scale(characters, 1 / count),
  };
}

/**
 * Evaluates strategies offline over graded recorded samples. Budgets are either the first k samples of
 * each problem, or k samples at random averaged over seeded shuffles; every strategy sees the same
 * shuffles, so their differences are not shuffle noise. Under random draws `mean@k` and `pass@k` use
 * their exact expectations (c/n and the unbiased pass@k estimator) rather than a Monte Carlo average.
 * Problems with fewer than k samples use all they have.
 *
 * @throws ConfigError when k exceeds every problem's sample count, or a strategy needs rewards or
 *   logprobs that were not recorded.
 * @example
 * const results = evaluateReplay(gradeReplay(dataset.problems, answerFormatByName("exact")), [
 *   parseReplayStrategy("maj@40"),
 * ]);
 * results[0]?.accuracy.accuracy; // 0.772 on the Faithful-CoT date set
 */
export function evaluateReplay(
  problems: readonly GradedProblem[],
  strategies: readonly ReplayStrategy[],
  options: EvaluateReplayOptions = {},
): ReplayEvaluation[] {
  if (problems.length === 0) throw new ConfigError("replay: no problems to evaluate");
  const shuffles = options.shuffles;
  // Named by its flag, like the other replay errors: they reach the command line as they are.
  if (shuffles !== undefined) checkInteger("replay", "--shuffles", shuffles, { minimum: 1 });
  const rewardScale = options.rewardScale ?? "probability";
  const root = seededRng(options.seed ?? 0);
  const shuffleRng = root.fork();
  const bootstrapRng = root.fork();
  const largestN = Math.max(...problems.map((problem) => problem.samples.length));
  const orders =
    shuffles === undefined
      ? undefined
      : Array.from({ length: shuffles }, () =>
          problems.map((problem) => shuffledIndices(problem.samples.length, shuffleRng)),
        );
  return strategies.map((strategy) => {
    if (strategy.k > largestN) {
      throw new ConfigError(
        `--strategies: ${strategy.name} needs ${strategy.k} samples per problem, but no problem has more than ${largestN}`,
        { field: "--strategies" },
      );
    }
    const outcomes = problems.map((problem, problemIndex): ProblemOutcome => {
      if (orders === undefined) {
        return subsetOutcome(problem, problem.samples.slice(0, strategy.k), strategy, rewardScale);
      }
      if (strategy.kind === "mean" || strategy.kind === "pass") return expectedOutcome(problem, strategy);
      return averageOutcomes(
        orders.map((order) => {
          const indices = order[problemIndex]!.slice(0, strategy.k);
          return subsetOutcome(
            problem,
            indices.map((index) => problem.samples[index]!),
            strategy,
            rewardScale,
          );
        }),
      );
    });
    const accuracy = bootstrapAccuracy(
      outcomes.map((outcome) => outcome.score),
      { rng: bootstrapRng.fork(), resamples: options.resamples, confidence: options.confidence },
    );
    return {
      strategy: strategy.name,
      kind: strategy.kind,
      k: strategy.k,
      problems: problems.length,
      accuracy,
      correct: outcomes.reduce((sum, outcome) => sum + outcome.score, 0),
      meanSamples: outcomes.reduce((sum, outcome) => sum + outcome.samples, 0) / outcomes.length,
      meanCompletionTokens: meanKnown(outcomes.map((outcome) => outcome.tokens)),
      meanCharacters: meanKnown(outcomes.map((outcome) => outcome.characters)),
      budget: orders === undefined ? "first" : "random",
      shuffles,
    };
  });
}
