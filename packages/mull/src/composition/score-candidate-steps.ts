import { scorePartialSolutions } from "../process-rewards/index.ts";
import type { Candidate, Problem, ProcessRewardModel, StopReason, StrategyContext } from "../spec/index.ts";
import { splitSteps } from "../steps/index.ts";

/** Options of `scoreCandidateSteps`. */
export interface ScoreCandidateStepsOptions {
  /** The problem the candidates answer, as the process reward model is shown it. */
  readonly problem: Problem;
  /** The candidates to score, in order. */
  readonly candidates: readonly Candidate[];
  /** The process reward model that scores each step. */
  readonly prm: ProcessRewardModel;
  /** The run's context: its budget sizes and is charged for the calls, its tracer records the events. */
  readonly context: StrategyContext;
}

/** The candidates with their new scores, and why scoring stopped. */
export interface ScoreCandidateStepsResult {
  /** Every candidate, in order; when scoring completed, each carries its new score last in `scores`. */
  readonly candidates: readonly Candidate[];
  /** `complete`, or the limit that stopped scoring (`score-calls`, `tokens`, `time`, `abort`). */
  readonly stoppedBy: StopReason;
}

/**
 * Scores whole candidates by their weakest step, within the run's budget: each text is cut into steps
 * (one per line), the process reward model rewards them (`scorePartialSolutions`: a step judge's calls
 * are each made within the budget, sized by the tokens left and not made past the scorer calls left),
 * and a candidate's score, named by the PRM, is its lowest step reward. A candidate without a step scores
 * 0, with no call. When the budget stops scoring, the candidates that needed a call stay unscored.
 *
 * @example
 * const { candidates, stoppedBy } = await scoreCandidateSteps({ problem, candidates: pool, prm, context });
 */
export async function scoreCandidateSteps(
  options: ScoreCandidateStepsOptions,
): Promise<ScoreCandidateStepsResult> {
  const { problem, prm, context } = options;
  const withSteps = options.candidates.map((candidate) => ({ candidate, steps: splitSteps(candidate.text) }));
  const stepped = withSteps.filter((entry) => entry.steps.length > 0);
  const scored = await scorePartialSolutions({
    problem,
    partials: stepped.map(({ candidate, steps }) => ({ id: candidate.id, steps })),
    prm,
    context,
    aggregation: "min",
  });
  const values = new Map<string, { value: number; steps: readonly number[] }>();
  if (scored.values !== undefined && scored.rewards !== undefined) {
    stepped.forEach(({ candidate }, index) => {
      values.set(candidate.id, { value: scored.values![index]!, steps: scored.rewards![index]! });
    });
  }
  const candidates = withSteps.map(({ candidate, steps }): Candidate => {
    if (steps.length === 0) {
      context.tracer.record({
        type: "score",
        parentId: candidate.id,
        scorer: prm.name,
        value: 0,
        steps: [],
        detail: "process reward: no steps, scored 0",
      });
      return { ...candidate, scores: [...candidate.scores, { scorer: prm.name, kind: "process", value: 0 }] };
    }
    const score = values.get(candidate.id);
    if (score === undefined) return candidate;
    return {
      ...candidate,
      scores: [
        ...candidate.scores,
        { scorer: prm.name, kind: "process", value: score.value, steps: score.steps },
      ],
    };
  });
  return { candidates, stoppedBy: scored.stoppedBy };
}
