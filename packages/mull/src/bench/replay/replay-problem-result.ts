import type { ReplayEvaluation } from "./evaluate-replay.ts";
import type { GradedProblem } from "./grade-replay.ts";

/**
 * What one strategy did on one problem. Fields are `null`, never absent, where there is nothing, so
 * that every problem of `mull replay --json` has the same keys.
 */
export interface ReplayStrategyOnProblem {
  /** The answer returned (over shuffles: the one returned most often); `null` for none, and for `mean`/`pass`. */
  readonly answer: string | null;
  /** 1 when right, 0 when wrong; over shuffles, the fraction of shuffles in which it was right. */
  readonly correct: number;
  /** Samples used (mean over shuffles). */
  readonly samples: number;
  /** Completion tokens of exactly those samples (mean over shuffles); `null` when a count is unknown. */
  readonly tokens: number | null;
  /** Cascades: 1 when it escalated to the larger model (over shuffles, the fraction); `null` for the rest. */
  readonly escalated: number | null;
}

/** One problem of a replay report, with what every strategy did on it. */
export interface ReplayProblemResult {
  readonly id: string;
  /** The gold answer as recorded; `null` when correctness was recorded instead. */
  readonly gold: string | null;
  /** By strategy name, in the order the strategies were given. */
  readonly strategies: Readonly<Record<string, ReplayStrategyOnProblem>>;
}

/**
 * The per-problem breakdown of a replay: for each problem, each strategy's answer, whether it was
 * right, and the samples and tokens it used.
 *
 * @example
 * const breakdown = replayProblemResults(graded, evaluateReplay(graded, strategies));
 * breakdown[0]?.strategies["asc@64"]?.samples; // where Adaptive-Consistency stopped on the first problem
 */
export function replayProblemResults(
  problems: readonly GradedProblem[],
  evaluations: readonly ReplayEvaluation[],
): ReplayProblemResult[] {
  return problems.map((problem, index) => ({
    id: problem.id,
    gold: problem.gold ?? null,
    strategies: Object.fromEntries(
      evaluations.map((evaluation) => {
        const outcome = evaluation.outcomes[index]!;
        const result: ReplayStrategyOnProblem = {
          answer: outcome.answer ?? null,
          correct: outcome.score,
          samples: outcome.samples,
          tokens: outcome.tokens ?? null,
          escalated: outcome.escalated ?? null,
        };
        return [evaluation.strategy, result];
      }),
    ),
  }));
}
