import { passAtK } from "../../metrics/index.ts";
import { sumKnown } from "../metrics/index.ts";
import { acceptedSample } from "./accepted-sample.ts";
import { adaptiveStopPoint, isAdaptive } from "./adaptive-stop-point.ts";
import { chooseSample, type SelectingKind } from "./choose-sample.ts";
import { completionOrderStop } from "./completion-order-stop.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { parallelProbeStop } from "./parallel-probe-stop.ts";
import type { RewardScale } from "./replay-dataset.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";
import { stoppedTrace } from "./stopped-trace.ts";

/** How one strategy did on one problem (averaged over shuffles, under random draws). */
export interface ProblemOutcome {
  /** 1 when its answer is right, 0 when not; the fraction of shuffles it was right under random draws. */
  readonly score: number;
  /** The answer it returned (the one returned most often, over shuffles); none for `mean` and `pass`. */
  readonly answer: string | undefined;
  /**
   * 1 when it returned an answer, 0 when it abstained or no sample had one (under random draws, the
   * fraction of shuffles it answered); `undefined` for `mean` and `pass`, which return none.
   */
  readonly answered?: number | undefined;
  /** Samples it used. */
  readonly samples: number;
  /** Completion tokens of exactly the samples it used; `undefined` when any count is unknown. */
  readonly tokens: number | undefined;
  /** Characters of those samples' texts; `undefined` when a text is missing. */
  readonly characters: number | undefined;
  /** Cascades only: 1 when it escalated to the larger model, 0 when not (under random draws, the fraction). */
  readonly escalated?: number | undefined;
  /** Cascades only: of `tokens`, those of the larger model's samples; `undefined` when a count is unknown. */
  readonly escalationTokens?: number | undefined;
  /**
   * Allocations only: samples its plan gave the problem beyond those recorded, which it could not draw and
   * which stay unspent (under random draws, the mean).
   */
  readonly unrecorded?: number | undefined;
}

/** The mean of counts, `undefined` when any is unknown (or there are none). */
export function meanKnown(values: readonly (number | undefined)[]): number | undefined {
  const total = sumKnown(values);
  return total === undefined || values.length === 0 ? undefined : total / values.length;
}

function scale(value: number | undefined, factor: number): number | undefined {
  return value === undefined ? undefined : value * factor;
}

/**
 * The outcome of one strategy on one ordered subset of a problem's samples. An adaptive strategy
 * (`asc`, `esc`) reads the subset in order, stops where its stop rule holds, and is a majority vote over
 * (and is charged for) the samples up to there. The probe kinds (`probe`, `probe-asc`) first stop each
 * trace at its probes and then vote (or stop adaptively) over the stopped traces. The parallel kinds
 * (`pprobe`, `pasc`) run all the subset's traces together, stop them all at once, and are charged
 * every trace up to that point.
 */
export function subsetOutcome(
  problem: GradedProblem,
  drawn: readonly GradedSample[],
  strategy: ReplayStrategy,
  rewardScale: RewardScale,
): ProblemOutcome {
  if (strategy.kind === "pprobe" || strategy.kind === "pasc") {
    const stop = (strategy.kind === "pprobe" ? parallelProbeStop : completionOrderStop)(
      problem,
      drawn,
      strategy,
    );
    return {
      score: stop.correct ? 1 : 0,
      answer: stop.answer,
      answered: stop.answer === undefined ? 0 : 1,
      samples: drawn.length,
      tokens: stop.tokens,
      characters: stop.characters,
    };
  }
  const agreement = strategy.agreement;
  const subset =
    agreement === undefined ? drawn : drawn.map((sample) => stoppedTrace(problem, sample, agreement));
  if (strategy.kind === "mean") {
    return {
      score: subset.filter((sample) => sample.correct).length / subset.length,
      answer: undefined,
      samples: 1,
      tokens: meanKnown(subset.map((sample) => sample.completionTokens)),
      characters: meanKnown(subset.map((sample) => sample.characters)),
    };
  }
  // Resampling with a verifier stops at its accepted sample and answers it, or reads all and abstains.
  const accepted =
    strategy.kind === "accept" ? acceptedSample(problem, subset, strategy, rewardScale) : undefined;
  const used =
    accepted !== undefined
      ? subset.slice(0, accepted.used)
      : isAdaptive(strategy)
        ? subset.slice(0, adaptiveStopPoint(strategy, subset))
        : subset;
  const cost = {
    samples: used.length,
    tokens: sumKnown(used.map((sample) => sample.completionTokens)),
    characters: sumKnown(used.map((sample) => sample.characters)),
  };
  if (strategy.kind === "pass") {
    return { score: used.some((sample) => sample.correct) ? 1 : 0, answer: undefined, ...cost };
  }
  const selecting =
    strategy.kind === "mass"
      ? strategy
      : isAdaptive(strategy) || strategy.kind === "probe"
        ? { ...strategy, kind: "maj" as const }
        : strategy;
  const chosen =
    accepted !== undefined
      ? accepted.accepted
      : chooseSample(problem, used, selecting as ReplayStrategy & { kind: SelectingKind }, rewardScale);
  const sample = chosen === undefined ? undefined : used[chosen];
  return {
    score: sample?.correct ? 1 : 0,
    answer: sample?.answer,
    answered: sample?.answer === undefined ? 0 : 1,
    ...cost,
  };
}

/** mean@k and pass@k have closed forms over uniformly random k-subsets; no shuffles are needed. */
export function expectedOutcome(problem: GradedProblem, strategy: ReplayStrategy): ProblemOutcome {
  const n = problem.samples.length;
  const drawn = Math.min(strategy.k, n);
  const correct = problem.samples.filter((sample) => sample.correct).length;
  const meanTokens = meanKnown(problem.samples.map((sample) => sample.completionTokens));
  const meanCharacters = meanKnown(problem.samples.map((sample) => sample.characters));
  if (strategy.kind === "mean") {
    return {
      score: correct / n,
      answer: undefined,
      samples: 1,
      tokens: meanTokens,
      characters: meanCharacters,
    };
  }
  return {
    score: passAtK(n, correct, drawn),
    answer: undefined,
    samples: drawn,
    tokens: scale(meanTokens, drawn),
    characters: scale(meanCharacters, drawn),
  };
}

/** The answer returned most often, ties to the one returned first. */
function modalAnswer(outcomes: readonly ProblemOutcome[]): string | undefined {
  const counts = new Map<string | undefined, number>();
  for (const outcome of outcomes) counts.set(outcome.answer, (counts.get(outcome.answer) ?? 0) + 1);
  let modal: string | undefined;
  let largest = 0;
  for (const [answer, count] of counts) {
    if (count > largest) {
      modal = answer;
      largest = count;
    }
  }
  return modal;
}

/** The mean outcome over shuffles. */
export function averageOutcomes(outcomes: readonly ProblemOutcome[]): ProblemOutcome {
  const count = outcomes.length;
  const tokens = sumKnown(outcomes.map((outcome) => outcome.tokens));
  const characters = sumKnown(outcomes.map((outcome) => outcome.characters));
  const mean = {
    score: outcomes.reduce((sum, outcome) => sum + outcome.score, 0) / count,
    answer: modalAnswer(outcomes),
    ...(outcomes[0]?.answered === undefined
      ? {}
      : { answered: outcomes.reduce((sum, outcome) => sum + (outcome.answered ?? 0), 0) / count }),
    samples: outcomes.reduce((sum, outcome) => sum + outcome.samples, 0) / count,
    tokens: scale(tokens, 1 / count),
    characters: scale(characters, 1 / count),
    ...(outcomes[0]?.unrecorded === undefined
      ? {}
      : { unrecorded: outcomes.reduce((sum, outcome) => sum + (outcome.unrecorded ?? 0), 0) / count }),
  };
  if (outcomes[0]?.escalated === undefined) return mean;
  return {
    ...mean,
    escalated: outcomes.reduce((sum, outcome) => sum + (outcome.escalated ?? 0), 0) / count,
    escalationTokens: meanKnown(outcomes.map((outcome) => outcome.escalationTokens)),
  };
}
