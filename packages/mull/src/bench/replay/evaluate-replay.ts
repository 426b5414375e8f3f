import { ConfigError } from "../../errors/index.ts";
import { checkInteger, checkNumber, checkOneOf, seededRng, seedFromText } from "../../runtime/index.ts";
import type { Rng } from "../../spec/index.ts";
import { type AccuracyEstimate, answerUtility, bootstrapAccuracy } from "../metrics/index.ts";
import { canonicalJson } from "../store/index.ts";
import { alignEscalation } from "./align-escalation.ts";
import { alignOpenings, escalationOpenings, firstModelOpenings } from "./align-openings.ts";
import { allocationOutcomes } from "./allocation-outcomes.ts";
import { cascadeOutcome } from "./cascade-outcome.ts";
import type { GradedProblem } from "./grade-replay.ts";
import { drawnCount, openedDraw } from "./opened-draw.ts";
import {
  averageOutcomes,
  expectedOutcome,
  meanKnown,
  type ProblemOutcome,
  subsetOutcome,
} from "./problem-outcome.ts";
import type { RewardScale } from "./replay-dataset.ts";
import { type ReplayShuffle, replayShuffleOrders, replayShuffles } from "./replay-shuffle.ts";
import { isAllocation, isCascade, type ReplayStrategy } from "./replay-strategy.ts";

/** Settings of `evaluateReplay`. */
export interface EvaluateReplayOptions {
  /**
   * Without it, each strategy uses the first k samples of every problem. With it, k samples are drawn
   * at random (the first k of a seeded shuffle) and results are averaged over this many shuffles.
   */
  readonly shuffles?: number | undefined;
  /**
   * How those shuffles are drawn: `mull` (the default) with the replay's seeded generator; `python` as
   * Python evaluations draw them, draw s shuffling each problem's samples in file order with
   * `random.Random(seed + s).shuffle`, to reproduce figures published on those draws. Needs `shuffles`.
   */
  readonly shuffle?: ReplayShuffle | undefined;
  /**
   * Draws to use instead of seeded shuffles, to reproduce figures computed on someone else's shuffles:
   * `orders[s][p]` lists problem p's sample indices in the order draw s takes them (a permutation of
   * its samples). Results average over the draws, as with `shuffles`; not together with `shuffles`.
   * For Python's `random.shuffle` draws, `shuffle: "python"` draws them itself.
   */
  readonly orders?: readonly (readonly (readonly number[])[])[] | undefined;
  /**
   * Seed of the shuffles (of the first one, with `shuffle: "python"`) and of the bootstrap; default 0.
   * Each strategy's bootstrap is drawn from the seed and the strategy itself, so its interval does not
   * depend on the other strategies replayed with it.
   */
  readonly seed?: number | undefined;
  /** Bootstrap resamples for the accuracy interval; default 1000. */
  readonly resamples?: number | undefined;
  /** Confidence level of the interval; default 0.95. */
  readonly confidence?: number | undefined;
  /** How rewards become voting weights for `wv@k`; default `probability`. */
  readonly rewardScale?: RewardScale | undefined;
  /**
   * The larger model's graded samples of the same problems (matched by id), which `cascade` and
   * `cascade-mass` strategies escalate to, and from which a routed allocation (`alloc@SpP:PROBE>MODEL`)
   * draws its extra samples; drawn like the first model's (the first samples, or their own seeded shuffles).
   */
  readonly escalation?: readonly GradedProblem[] | undefined;
  /**
   * Each problem's greedy trace (the one sample of the problem of the same id), which `mass@kg` takes
   * before its k − 1 drawn samples, as do the first model of `cascade-mass@NxMg` and each probe of
   * `alloc-mass@…g`.
   */
  readonly openings?: readonly GradedProblem[] | undefined;
  /** The larger model's greedy trace of each problem, which `cascade-mass@NxMg` escalates to first. */
  readonly escalationOpenings?: readonly GradedProblem[] | undefined;
  /**
   * What a wrong answer costs against a right one's 1 and an abstention's 0: with it, each evaluation
   * has a `utility` (Stroebl et al., "Inference Scaling fLaws"). At least 0.
   */
  readonly wrongCost?: number | undefined;
  /**
   * The flag the strategies were given by, which an error about a strategy names (a k above every
   * problem's samples); default `--strategies`. A caller that builds them from flags of its own names
   * the flag they came from (bench:adaptive's `--k`).
   */
  readonly strategiesFlag?: string | undefined;
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
  /**
   * Problems it answered (expected number, under random draws): all but those where it abstained
   * (`accept@k`) or no sample had an answer; `undefined` for `mean` and `pass`, which answer none.
   */
  readonly answered?: number | undefined;
  /**
   * With `wrongCost`: the mean per problem of 1 for a right answer, −wrongCost for a wrong one and 0 for
   * none (`mean` and `pass` count as always answering).
   */
  readonly utility?: number | undefined;
  /** Mean completion tokens of those samples per problem; `undefined` when any count is unknown. */
  readonly meanCompletionTokens: number | undefined;
  /** Mean characters of those samples' texts per problem; `undefined` when a text is missing. */
  readonly meanCharacters: number | undefined;
  /**
   * Cascades, and allocations whose extra samples come from the larger model: the share of problems
   * escalated to it (mean over shuffles).
   */
  readonly escalated?: number | undefined;
  /**
   * Cascades and routed allocations: of `meanCompletionTokens`, the larger model's; `undefined` when a
   * count is unknown.
   */
  readonly meanEscalationTokens?: number | undefined;
  /**
   * Allocations only: the mean per problem of the samples their plan gave beyond those recorded, which
   * stay unspent (0 when every problem's recording covered its plan).
   */
  readonly unrecorded?: number | undefined;
  /** `first`: the first k samples; `random`: k at random, averaged over `shuffles`. */
  readonly budget: "first" | "random";
  readonly shuffles: number | undefined;
  /** How it did on each problem, in the order of the problems. */
  readonly outcomes: readonly ProblemOutcome[];
}

function checkOrders(
  orders: readonly (readonly (readonly number[])[])[],
  problems: readonly GradedProblem[],
): void {
  for (const [draw, order] of orders.entries()) {
    if (order.length !== problems.length) {
      throw new ConfigError(
        `replay: orders[${draw}] orders ${order.length} problems, but there are ${problems.length}`,
        { field: "orders" },
      );
    }
    for (const [problemIndex, indices] of order.entries()) {
      const problem = problems[problemIndex]!;
      const count = problem.samples.length;
      const inRange = indices.every((index) => Number.isInteger(index) && index >= 0 && index < count);
      if (indices.length !== count || new Set(indices).size !== count || !inRange) {
        throw new ConfigError(
          `replay: orders[${draw}][${problemIndex}] is not a permutation of the ${count} samples of problem ${JSON.stringify(problem.id)}`,
          { field: "orders" },
        );
      }
    }
  }
}

/**
 * The generator of one strategy's bootstrap, drawn from the seed and the strategy as parsed (less the name
 * it was written with): its interval is the same whatever strategies are replayed beside it and in
 * whatever order, and two spellings of one strategy (`asc@16t0.99` and `asc@16:t0.99`, `sc@8` and
 * `maj@8`) get the same interval.
 */
function bootstrapRng(seed: number, strategy: ReplayStrategy): Rng {
  const { name: _, ...parsed } = strategy;
  return seededRng(seedFromText(`${seed}\u0000${canonicalJson(parsed)}`));
}

/** The outcomes' utility per problem (`answerUtility`); `mean` and `pass` count as always answering. */
function meanUtility(outcomes: readonly ProblemOutcome[], wrongCost: number): number {
  const right = outcomes.reduce((sum, outcome) => sum + outcome.score, 0);
  const answered = outcomes.reduce((sum, outcome) => sum + (outcome.answered ?? 1), 0);
  return answerUtility({ right, wrong: answered - right, problems: outcomes.length }, wrongCost);
}

/**
 * Evaluates strategies offline over graded recorded samples. Budgets are either the first k samples of
 * each problem, or k samples at random averaged over seeded shuffles; every strategy sees the same
 * shuffles, so their differences are not shuffle noise; `shuffle: "python"` draws the shuffles a Python
 * evaluation draws, and `orders` takes anyone's. Under random draws `mean@k` and `pass@k` use
 * their exact expectations (c/n and the unbiased pass@k estimator) rather than a Monte Carlo average.
 * Problems with fewer than k samples use all they have. Adaptive strategies (`asc@k`, `esc@kwW`) read
 * the k samples in order and stop where their stop rule holds. Cascades (`cascade@NxM`, `cascade-mass@NxM`)
 * read a second set, `options.escalation`, the larger model's samples of the same problems, and `mass@kg`
 * opens with each problem's greedy trace from `options.openings` (`cascade-mass@NxMg` with each model's:
 * `openings` and `escalationOpenings`). Allocations (`alloc@S…`, `alloc-mass@S…`) spend S samples per
 * problem over the whole batch on each draw (`allocationOutcomes`). Every strategy is charged the tokens
 * of exactly the samples it used.
 *
 * @throws ConfigError when k exceeds every problem's sample count (for an allocation, when a problem has
 *   fewer samples than its probe), a strategy needs rewards or logprobs
 *   that were not recorded, `orders` are not permutations of each problem's samples, or a cascade has no
 *   larger model's samples of a problem.
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
  const shuffle = checkOneOf("replay", "--shuffle", options.shuffle ?? "mull", replayShuffles);
  if (options.orders !== undefined) {
    if (shuffles !== undefined) {
      throw new ConfigError("replay: give either shuffles or orders, not both", { field: "orders" });
    }
    if (shuffle === "python") {
      throw new ConfigError('replay: give either shuffle "python" or orders, not both', { field: "orders" });
    }
    checkOrders(options.orders, problems);
  } else if (shuffle === "python" && shuffles === undefined) {
    throw new ConfigError("replay: --shuffle python draws at random: give the number of --shuffles too", {
      field: "--shuffle",
    });
  }
  const rewardScale = options.rewardScale ?? "probability";
  const wrongCost =
    options.wrongCost === undefined
      ? undefined
      : checkNumber("replay", "--wrong-cost", options.wrongCost, { minimum: 0 });
  const seed = options.seed ?? 0;
  const flag = options.strategiesFlag ?? "--strategies";
  const root = seededRng(seed);
  const shuffleRng = root.fork();
  // The second stream was the bootstrap's, before each strategy drew its own (`bootstrapRng`); it is still
  // drawn so that the larger model's shuffles stay the ones a seed always gave.
  root.fork();
  const escalationRng = root.fork();
  const largestN = Math.max(...problems.map((problem) => problem.samples.length));
  const escalation = alignEscalation(problems, strategies, options.escalation);
  const openings = alignOpenings(problems, strategies, options.openings, firstModelOpenings);
  const largerOpenings = alignOpenings(problems, strategies, options.escalationOpenings, escalationOpenings);
  const orders =
    options.orders ??
    (shuffles === undefined
      ? undefined
      : replayShuffleOrders(
          problems.map((problem) => problem.samples.length),
          shuffles,
          { shuffle, rng: shuffleRng, seed },
        ));
  const escalationOrders =
    escalation === undefined || orders === undefined
      ? undefined
      : replayShuffleOrders(
          escalation.map((problem) => problem.samples.length),
          orders.length,
          { shuffle, rng: escalationRng, seed },
        );
  return strategies.map((strategy) => {
    // An allocation checks each problem against its probe; its plan is capped by what was recorded.
    if (!isAllocation(strategy) && drawnCount(strategy, strategy.k) > largestN) {
      throw new ConfigError(
        `${flag}: ${strategy.name} needs ${drawnCount(strategy, strategy.k)} samples per problem, but no problem has more than ${largestN}`,
        { field: flag },
      );
    }
    const escalates = isCascade(strategy) || strategy.allocation?.route !== undefined;
    const outcomes = isAllocation(strategy)
      ? allocationOutcomes(problems, strategy, {
          orders,
          escalation,
          escalationOrders,
          openings,
          rewardScale,
        })
      : problems.map((problem, problemIndex): ProblemOutcome => {
          const larger = escalation?.[problemIndex];
          // One draw: the first samples without shuffles, else draw number `draw` of the seeded orders.
          const once = (draw: number | undefined): ProblemOutcome => {
            const order = draw === undefined ? undefined : orders?.[draw]?.[problemIndex];
            const opens = strategy.greedyFirst === true;
            const drawn = openedDraw(
              problem,
              order,
              strategy.k,
              opens ? openings?.[problemIndex] : undefined,
            );
            if (!isCascade(strategy) || larger === undefined) {
              return subsetOutcome(problem, drawn, strategy, rewardScale);
            }
            const escalationOrder = draw === undefined ? undefined : escalationOrders?.[draw]?.[problemIndex];
            const escalated = openedDraw(
              larger,
              escalationOrder,
              strategy.escalationK,
              opens ? largerOpenings?.[problemIndex] : undefined,
            );
            return cascadeOutcome(problem, drawn, larger, escalated, strategy, rewardScale);
          };
          if (orders === undefined) return once(undefined);
          if (strategy.kind === "mean" || strategy.kind === "pass") return expectedOutcome(problem, strategy);
          return averageOutcomes(orders.map((_, draw) => once(draw)));
        });
    const mean = (value: (outcome: ProblemOutcome) => number | undefined) =>
      outcomes.reduce((sum, outcome) => sum + (value(outcome) ?? 0), 0) / outcomes.length;
    const accuracy = bootstrapAccuracy(
      outcomes.map((outcome) => outcome.score),
      { rng: bootstrapRng(seed, strategy), resamples: options.resamples, confidence: options.confidence },
    );
    return {
      strategy: strategy.name,
      kind: strategy.kind,
      k: strategy.k,
      problems: problems.length,
      accuracy,
      correct: outcomes.reduce((sum, outcome) => sum + outcome.score, 0),
      meanSamples: outcomes.reduce((sum, outcome) => sum + outcome.samples, 0) / outcomes.length,
      ...(outcomes[0]?.answered === undefined
        ? {}
        : { answered: outcomes.reduce((sum, outcome) => sum + (outcome.answered ?? 0), 0) }),
      ...(wrongCost === undefined ? {} : { utility: meanUtility(outcomes, wrongCost) }),
      meanCompletionTokens: meanKnown(outcomes.map((outcome) => outcome.tokens)),
      meanCharacters: meanKnown(outcomes.map((outcome) => outcome.characters)),
      ...(escalates
        ? {
            escalated: mean((outcome) => outcome.escalated),
            meanEscalationTokens: meanKnown(outcomes.map((outcome) => outcome.escalationTokens)),
          }
        : {}),
      ...(isAllocation(strategy) ? { unrecorded: mean((outcome) => outcome.unrecorded) } : {}),
      budget: orders === undefined ? "first" : "random",
      shuffles: orders?.length,
      outcomes,
    };
  });
}
