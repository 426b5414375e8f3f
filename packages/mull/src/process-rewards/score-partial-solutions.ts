import { addUsage, budgetShortfall, emptyUsage } from "../budget/index.ts";
import { MullError } from "../errors/index.ts";
import type { Problem, ProcessRewardModel, StopReason, StrategyContext, Usage } from "../spec/index.ts";
import { aggregateStepRewards, type StepAggregation } from "./aggregate-step-rewards.ts";

/** A partial (or complete) solution to score: its trace node and its steps. */
export interface PartialSolution {
  /** Trace id of its last step's generation; the `score` event hangs under it. */
  readonly id: string;
  readonly steps: readonly string[];
}

/** Options of `scorePartialSolutions`. */
export interface ScorePartialSolutionsOptions {
  readonly problem: Problem;
  readonly partials: readonly PartialSolution[];
  readonly prm: ProcessRewardModel;
  readonly context: StrategyContext;
  /** How the step rewards become the value recorded in each `score` event; default `last`. */
  readonly aggregation?: StepAggregation | undefined;
}

/** The rewards of a scored batch. */
export interface ScorePartialSolutionsResult {
  /** Per-step rewards of each partial, in order; `undefined` for all when the budget stopped scoring. */
  readonly rewards: readonly (readonly number[])[] | undefined;
  /** The aggregated value of each partial, in order (when scored). */
  readonly values: readonly number[] | undefined;
  /** `complete`, or the limit that prevented scoring (`score-calls`, `time`, `abort`). */
  readonly stoppedBy: StopReason;
  /** PRM calls made. */
  readonly calls: number;
  /** Model usage of the PRM, when it calls a model. */
  readonly usage: Usage;
}

/**
 * Scores partial solutions with a process reward model in one batch, within the budget: it does not start
 * when the budget cannot afford a scorer call; it charges `budget.chargeScore` with the PRM's calls and the
 * token account with the PRM's token usage; it records one `score` event per partial (under its node,
 * with the per-step rewards and their aggregate). A PRM answer with the wrong number of results or
 * rewards, or a reward outside [0, 1], is an error.
 *
 * @example
 * const { values } = await scorePartialSolutions({ problem, partials, prm, context, aggregation: "min" });
 */
export async function scorePartialSolutions(
  options: ScorePartialSolutionsOptions,
): Promise<ScorePartialSolutionsResult> {
  const { problem, partials, prm, context } = options;
  const aggregation = options.aggregation ?? "last";
  const { budget, tracer } = context;
  const none = (stoppedBy: StopReason): ScorePartialSolutionsResult => ({
    rewards: undefined,
    values: undefined,
    stoppedBy,
    calls: 0,
    usage: emptyUsage,
  });
  if (partials.length === 0) return { ...none("complete"), rewards: [], values: [] };
  const shortfall = budgetShortfall(budget, { scoreCalls: 1 });
  if (shortfall !== undefined) return none(shortfall);
  let batch: Awaited<ReturnType<ProcessRewardModel["score"]>>;
  try {
    batch = await prm.score(
      problem,
      partials.map((partial) => partial.steps),
      { signal: context.signal },
    );
  } catch (error) {
    if (!context.signal.aborted) throw error;
    return none(budgetShortfall(budget, {}) ?? "abort");
  }
  if (batch.results.length !== partials.length) {
    throw new MullError(
      `PRM "${prm.name}" returned ${batch.results.length} results for ${partials.length} solutions`,
    );
  }
  budget.chargeScore(batch.calls);
  if (batch.usage !== undefined) budget.charge({ ...batch.usage, calls: 0 });
  const rewards = batch.results.map((result, index) => {
    const steps = partials[index]!.steps;
    if (result.rewards.length !== steps.length) {
      throw new MullError(
        `PRM "${prm.name}" returned ${result.rewards.length} rewards for a solution of ${steps.length} steps`,
      );
    }
    for (const reward of result.rewards) {
      if (!(reward >= 0 && reward <= 1)) {
        throw new MullError(`PRM "${prm.name}" returned the reward ${reward}; rewards must lie in [0, 1]`);
      }
    }
    return result.rewards;
  });
  const values = rewards.map((stepRewards) => aggregateStepRewards(stepRewards, aggregation));
  partials.forEach((partial, index) => {
    tracer.record({
      type: "score",
      parentId: partial.id,
      scorer: prm.name,
      value: values[index]!,
      steps: rewards[index],
      detail: `process reward, ${aggregation} of ${rewards[index]!.length} steps`,
    });
  });
  return {
    rewards,
    values,
    stoppedBy: "complete",
    calls: batch.calls,
    usage: batch.usage === undefined ? emptyUsage : addUsage(batch.usage),
  };
}
