import { z } from "zod";
import { checkStopConditions, type RunProgress, roundShortfall } from "../budget/index.ts";
import { BudgetExhaustedError, ConfigError } from "../errors/index.ts";
import { checkInteger, parseOptions } from "../runtime/index.ts";
import type {
  Candidate,
  SamplingStrategy,
  Selector,
  StopCondition,
  StopReason,
  Strategy,
} from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import {
  checkedByFactory,
  flagOption,
  samplingStrategyOption,
  selectorOption,
  stopConditionsOption,
} from "./option-schemas.ts";
import { requireSomething, runProgress } from "./run-helpers.ts";
import { runStrategy } from "./run-strategy.ts";

/** Options of `withEarlyStop`: exactly one of `rounds` and `roundSize`. */
export interface WithEarlyStopOptions {
  /** Rounds to split the inner strategy's samples into (as even as possible); at most its sample count. */
  readonly rounds?: number | undefined;
  /**
   * Samples per round, at most the inner strategy's sample count; the last round is smaller when it does
   * not divide that count (ESC's windows, or 1 to check after every sample).
   */
  readonly roundSize?: number | undefined;
  /** Checked after each round, in order, e.g. `consensusReached(0.8, 5)`; the first that holds stops the run. */
  readonly stopWhen?: readonly StopCondition<RunProgress>[] | undefined;
  /** How the answer is chosen among the candidates of every round; default the inner strategy's own. */
  readonly select?: Selector | undefined;
  /**
   * A first round run before the inner strategy's, its samples counted toward the inner strategy's sample
   * count (which the rounds after it then share), e.g. one greedy sample
   * (`weightedVoting({ n: 1, weight: "probability", temperature: 0 })`) before sampled ones. At most the
   * inner strategy's sample count.
   */
  readonly opening?: SamplingStrategy | undefined;
  /**
   * Whether a round's samples are of use only once scored, as when the answer must be one the verifier
   * accepted (`accept@N`): then no round starts, the first included, that the scorer-call limit cannot
   * afford a call of, and a run that so starts none ends in `BudgetExhaustedError` (`score-calls`). Default
   * false: a round's samples vote even unscored (best-of-N falls back to a majority vote), so only what a
   * round generates must be affordable.
   */
  readonly roundsNeedScores?: boolean | undefined;
}

const withEarlyStopOptions = z.strictObject({
  rounds: checkedByFactory,
  roundSize: checkedByFactory,
  stopWhen: stopConditionsOption.optional(),
  select: selectorOption.optional(),
  opening: samplingStrategyOption.optional(),
  roundsNeedScores: flagOption.optional(),
} satisfies Record<keyof WithEarlyStopOptions, unknown>);

/** Sizes of `rounds` rounds that add up to `samples`, largest first. */
function evenRounds(samples: number, rounds: number): number[] {
  const base = Math.floor(samples / rounds);
  const larger = samples % rounds;
  return Array.from({ length: rounds }, (_, index) => base + (index < larger ? 1 : 0));
}

/** Rounds of `size` samples that add up to `samples`, the last one smaller when `size` does not divide it. */
function fixedRounds(samples: number, size: number): number[] {
  return Array.from({ length: Math.ceil(samples / size) }, (_, index) =>
    Math.min(size, samples - index * size),
  );
}

/** The opening round's sample count, checked against the inner strategy's. */
function openingSamples(opening: SamplingStrategy, samples: number): number {
  if (opening.samples > samples) {
    throw new ConfigError(
      `withEarlyStop: opening ${opening.name} draws ${opening.samples} samples, more than the inner strategy's ${samples}`,
      { field: "opening" },
    );
  }
  return opening.samples;
}

/** The round sizes, the name's suffix and the parameters that `rounds` or `roundSize` ask for. */
function planRounds(
  samples: number,
  options: WithEarlyStopOptions,
): { sizes: number[]; suffix: string; parameters: Record<string, number> } {
  if ((options.rounds === undefined) === (options.roundSize === undefined)) {
    const got = options.rounds === undefined ? "neither" : "both";
    throw new ConfigError(`withEarlyStop: expected exactly one of rounds or roundSize, got ${got}`, {
      field: "rounds",
    });
  }
  const bounds = { minimum: 1, maximum: samples };
  if (options.rounds !== undefined) {
    const rounds = checkInteger("withEarlyStop", "rounds", options.rounds, bounds);
    return { sizes: evenRounds(samples, rounds), suffix: `${rounds}`, parameters: { rounds } };
  }
  const roundSize = checkInteger("withEarlyStop", "roundSize", options.roundSize, bounds);
  const sizes = fixedRounds(samples, roundSize);
  // `sc@10+es3x4`: three rounds of four (the last of two), told apart from `sc@10+es3` (4, 3, 3).
  return { sizes, suffix: `${sizes.length}x${roundSize}`, parameters: { roundSize } };
}

/**
 * Early stopping around any sampling strategy (`sc`, `bon`, `wv`, `rs`): runs the inner strategy in
 * `rounds` rounds (as even as possible) or in rounds of `roundSize` samples that together draw its
 * samples (after the `opening` round when one is given), each round a nested run (`runStrategy`) of the
 * same strategy with fewer samples, checks `stopWhen` after each round but the last over the candidates
 * so far, and chooses the answer among all of them with `select` (default: the inner strategy's, whose
 * `selectionNote` the wrapper's run then records once over every round's candidates, and none for each
 * round). A stop condition ends the run with `condition:<name>`, a planned stop (not `partial`); the
 * conditions are not checked after the last round, so a run that drew every sample is `complete`; a
 * budget limit, the deadline or an abort ends it with what it has. No round starts, the first included, that the budget cannot afford
 * (`roundShortfall`): a generation call, and a scorer call with `roundsNeedScores`. So the scorer-call
 * limit never stops rounds that make no scorer call (`asc@N` under `maxScoreCalls: 0` draws as without
 * it); a round whose scoring that limit cut ends the run as any partial round does.
 *
 * @throws ConfigError for an `inner` that is not a sampling strategy, an unknown option, an option of the
 * wrong kind (`withEarlyStop: stopWhen must be an array of stop conditions, got "consensus"`), not exactly
 * one of `rounds` and `roundSize`, either above the inner strategy's sample count, or an `opening` that
 * draws more samples than it.
 * @example
 * const strategy = withEarlyStop(selfConsistency({ n: 40 }), { rounds: 10, stopWhen: [consensusReached(0.9, 8)] });
 * const inWindows = withEarlyStop(selfConsistency({ n: 64 }), { roundSize: 8, stopWhen: [windowUnanimous(8)] });
 */
export function withEarlyStop(inner: SamplingStrategy, options: WithEarlyStopOptions): Strategy {
  parseOptions(samplingStrategyOption, inner, "withEarlyStop", "inner");
  checkFactoryOptions(withEarlyStopOptions, options, "withEarlyStop");
  const { opening } = options;
  const opened = opening === undefined ? 0 : openingSamples(opening, inner.samples);
  const { sizes, suffix, parameters } =
    opened === inner.samples
      ? { sizes: [], suffix: "0", parameters: {} }
      : planRounds(inner.samples - opened, options);
  const rounds = [
    ...(opening === undefined ? [] : [opening]),
    ...sizes.map((size) => inner.withSamples(size)),
  ];
  const stopWhen = options.stopWhen ?? [];
  const select = options.select ?? inner.select;
  // What the inner strategy says of its choice holds for its selection over every round; a selector of
  // the caller's own makes no such claim.
  const selectionNote =
    options.select === undefined && inner.selectionNote !== undefined
      ? (candidates: readonly Candidate[]) => inner.selectionNote?.(candidates)
      : undefined;
  const round = { scored: options.roundsNeedScores === true };
  return {
    name: `${inner.name}${opening === undefined ? "" : `+${opening.name}`}+es${suffix}`,
    parameters: {
      inner: inner.name,
      ...inner.parameters,
      ...parameters,
      ...(opening === undefined ? {} : { opening: opening.name }),
      ...(stopWhen.length === 0 ? {} : { stopWhen: stopWhen.map((condition) => condition.name) }),
    },
    samples: inner.samples,
    ...(selectionNote === undefined ? {} : { selectionNote }),
    async run(problem, context) {
      const candidates: Candidate[] = [];
      let stoppedBy: StopReason = "complete";
      for (const [index, strategy] of rounds.entries()) {
        const shortfall = roundShortfall(context.budget, round);
        if (shortfall !== undefined) {
          stoppedBy = shortfall;
          break;
        }
        try {
          // A round's choice is not the answer: what the selection says is said once, over every round.
          const round = await runStrategy(strategy, problem, context, { round: true });
          candidates.push(...round.candidates);
          stoppedBy = round.stoppedBy;
          if (round.partial) break;
        } catch (error) {
          // A round that could not start after earlier rounds ran: the run keeps what it has.
          if (!BudgetExhaustedError.isInstance(error) || candidates.length === 0) throw error;
          stoppedBy = error.reason;
          break;
        }
        // After the last round every sample is drawn: the run is complete whatever the conditions say.
        if (index === rounds.length - 1) {
          stoppedBy = "complete";
          break;
        }
        stoppedBy = checkStopConditions(stopWhen, runProgress(candidates, context)) ?? "complete";
        if (stoppedBy !== "complete") break;
      }
      requireSomething(candidates.length, stoppedBy);
      const result = select(candidates, context);
      return { answer: result.answer, best: result.best, candidates, votes: result.tally, stoppedBy };
    },
  };
}
