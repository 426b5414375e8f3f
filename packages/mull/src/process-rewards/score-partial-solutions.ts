import { emptyUsage } from "../budget/index.ts";
import { MullError } from "../errors/index.ts";
import type { RecordedOutcome } from "../generation/index.ts";
import { type ScoreEventFields, scoreRecorded } from "../scoring/index.ts";
import type { Problem, ProcessRewardModel, StrategyContext } from "../spec/index.ts";
import { aggregateStepRewards, type StepAggregation } from "./aggregate-step-rewards.ts";
import { judgeSteps } from "./judge-steps.ts";
import { isStepJudge } from "./step-judge.ts";

/** A partial (or complete) solution to score: its trace node and its steps. */
export interface PartialSolution {
  /** Trace id of its last step's generation; the `score` event hangs under it. */
  readonly id: string;
  /** Its steps so far, in order, as the PRM reads them. */
  readonly steps: readonly string[];
}

/** Options of `scorePartialSolutions`. */
export interface ScorePartialSolutionsOptions {
  /** The problem the partial solutions answer, as the PRM is shown it. */
  readonly problem: Problem;
  /** The partial solutions to score, in order; one `score` event is recorded under each. */
  readonly partials: readonly PartialSolution[];
  /** The process reward model that scores their steps. */
  readonly prm: ProcessRewardModel;
  /** The run's context: its budget is charged for the call, its tracer records the events. */
  readonly context: StrategyContext;
  /** How the step rewards become the value recorded in each `score` event; default `last`. */
  readonly aggregation?: StepAggregation | undefined;
}

/**
 * The rewards of a scored batch: `stoppedBy` names the limit that prevented scoring (`score-calls`,
 * `time`, `abort`), `usage` the PRM's model usage.
 */
export interface ScorePartialSolutionsResult extends RecordedOutcome {
  /** Per-step rewards of each partial, in order; `undefined` for all when the budget stopped scoring. */
  readonly rewards: readonly (readonly number[])[] | undefined;
  /** The aggregated value of each partial, in order (when scored). */
  readonly values: readonly number[] | undefined;
  /** PRM calls made. */
  readonly calls: number;
}

/**
 * Scores partial solutions with a process reward model in one batch, within the budget: it does not start
 * when the budget cannot afford a scorer call; it charges `budget.chargeScore` with the PRM's calls and the
 * token account with the PRM's token usage; it records one `score` event per partial (under its node,
 * with the per-step rewards and their aggregate). A PRM answer with the wrong number of results or
 * rewards, or a reward outside [0, 1], is an error. A PRM that judges steps with model calls
 * (`StepJudgeModel`, an LLM step judge) has its calls made here within the budget (`judgeSteps`): each
 * sized by the tokens left, not made when unaffordable, a reply the budget cut leaving the batch unscored
 * and the run stopped by that limit, a call the backend refused counting that step 0, each with a note.
 *
 * @example
 * const { values } = await scorePartialSolutions({ problem, partials, prm, context, aggregation: "min" });
 */
export async function scorePartialSolutions(
  options: ScorePartialSolutionsOptions,
): Promise<ScorePartialSolutionsResult> {
  const { problem, partials, prm, context } = options;
  const aggregation = options.aggregation ?? "last";
  if (partials.length === 0) {
    return { rewards: [], values: [], stoppedBy: "complete", calls: 0, usage: emptyUsage };
  }
  /** The `score` event of a partial's rewards; `refused` of its steps count 0, their judge call refused. */
  const event = (rewards: readonly number[], index: number, refused = 0): ScoreEventFields => {
    const steps = partials[index]!.steps;
    if (rewards.length !== steps.length) {
      throw new MullError(
        `PRM "${prm.name}" returned ${rewards.length} rewards for a solution of ${steps.length} steps`,
      );
    }
    for (const reward of rewards) {
      if (!(reward >= 0 && reward <= 1)) {
        throw new MullError(`PRM "${prm.name}" returned the reward ${reward}; rewards must lie in [0, 1]`);
      }
    }
    const refusals =
      refused === 0 ? "" : `; ${refused} step${refused === 1 ? "'s" : "s'"} judge call refused, counted 0`;
    return {
      scorer: prm.name,
      value: aggregateStepRewards(rewards, aggregation),
      steps: rewards,
      detail: `process reward, ${aggregation} of ${rewards.length} steps${refusals}`,
    };
  };
  const judged = isStepJudge(prm)
    ? await judgeSteps({
        problem,
        solutions: partials.map((partial) => partial.steps),
        parentIds: partials.map((partial) => partial.id),
        judge: prm.stepJudge,
        scorer: prm.name,
        context,
      })
    : undefined;
  if (judged !== undefined) {
    const { rewards, stoppedBy, calls, usage } = judged;
    if (rewards === undefined) return { rewards, values: undefined, stoppedBy, calls, usage };
    const events = rewards.map((entry, index) => event(entry, index, judged.refused[index]));
    events.forEach((fields, index) => {
      context.tracer.record({ type: "score", parentId: partials[index]!.id, ...fields });
    });
    return { rewards, values: events.map((fields) => fields.value), stoppedBy, calls, usage };
  }
  const scored = await scoreRecorded({
    context,
    parentIds: partials.map((partial) => partial.id),
    scorer: prm.name,
    describedAs: `PRM "${prm.name}"`,
    resultName: "results",
    score: (callOptions) =>
      prm.score(
        problem,
        partials.map((partial) => partial.steps),
        callOptions,
      ),
    event: ({ rewards }, index) => event(rewards, index),
  });
  return {
    rewards: scored.results?.map((result) => result.rewards),
    values: scored.values,
    stoppedBy: scored.stoppedBy,
    calls: scored.calls,
    usage: scored.usage,
  };
}
