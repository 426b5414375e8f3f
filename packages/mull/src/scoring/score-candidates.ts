import { addUsage, emptyUsage, scoreCallsLeft } from "../budget/index.ts";
import type { RecordedOutcome } from "../generation/index.ts";
import type { Candidate, OutcomeScorer, Problem, StrategyContext, Usage } from "../spec/index.ts";
import { judgeCandidates } from "./judge-candidates.ts";
import { scoreCallsCharged } from "./score-calls-charged.ts";
import { scoreRecorded } from "./score-recorded.ts";

/** Options of `scoreCandidates`. */
export interface ScoreCandidatesOptions {
  /** The problem the candidates answer, as the scorer is shown it. */
  readonly problem: Problem;
  /** The candidates to score, in order; one `score` event is recorded under each. */
  readonly candidates: readonly Candidate[];
  /** The outcome scorer (a checker, a judge, a reward model). */
  readonly scorer: OutcomeScorer;
  /** The run's context: its budget is charged for the call, its tracer records the events. */
  readonly context: StrategyContext;
}

/**
 * Candidates with their new scores, and what scoring cost: `stoppedBy` names the limit that stopped
 * scoring (`score-calls`, `time`, `abort`), `usage` the scorer's model usage.
 */
export interface ScoreCandidatesResult extends RecordedOutcome {
  /** Every candidate, in order; those scored carry the new score last in `scores`. */
  readonly candidates: readonly Candidate[];
  /**
   * How many were scored: the first ones, in order, but for a judge (`OutcomeScorer.judge`), which leaves
   * unscored a candidate whose call the budget did not afford or cut, or the backend refused.
   */
  readonly scored: number;
  /** Scorer calls charged to the run (`scoreCallsCharged`). */
  readonly calls: number;
}

/**
 * How many of `remaining` solutions one invocation of `scorer` may score within `left` scorer calls, each
 * invocation costing at least one (`scoreCallsCharged`): 0 when even one solution would cost more than is
 * left.
 */
function affordable(scorer: OutcomeScorer, remaining: number, left: number): number {
  if (!Number.isFinite(left)) return remaining;
  const { callsFor } = scorer;
  // A scorer that does not say makes one call per solution, as an LLM judge does.
  const cost = (solutions: number): number =>
    scoreCallsCharged(callsFor === undefined ? solutions : callsFor(solutions));
  let size = remaining;
  while (size > 0 && cost(size) > left) size -= 1;
  return size;
}

/**
 * Scores candidates with an outcome scorer, within the budget: records one `score` trace event per score
 * (under the scored generation), charges `budget.chargeScore` with the scorer calls of each invocation (at
 * least one, a programmatic check's included: `scoreCallsCharged`) and the budget's token account with the
 * scorer's token usage (not its call count: those are scorer calls). Under a `maxScoreCalls` limit it
 * scores in the largest chunks the calls left afford, by the scorer's `callsFor` (all at once, for one
 * call, with a programmatic check or a batched reward model), or one call per solution when the scorer
 * does not say. A scorer that asks a model once per solution (`OutcomeScorer.judge`, an LLM judge) has its
 * calls made here, within the budget as generations are (`judgeCandidates`): sized by the tokens left, not
 * made when unaffordable, a reply the budget cut or a call the backend refused scoring nothing, with a note.
 * On a cut it returns what it scored.
 *
 * @example
 * const { candidates: scored } = await scoreCandidates({ problem, candidates, scorer: checker, context });
 */
export async function scoreCandidates(options: ScoreCandidatesOptions): Promise<ScoreCandidatesResult> {
  const { problem, scorer, context } = options;
  const { budget } = context;
  const candidates = [...options.candidates];
  let scored = 0;
  let calls = 0;
  let usage: Usage = emptyUsage;
  const { judge } = scorer;
  if (judge !== undefined) {
    // One call per solution: as many as the scorer calls left afford, each made and charged as it goes.
    const chunk = candidates.slice(0, Math.min(scoreCallsLeft(budget), candidates.length));
    const judged =
      chunk.length === 0
        ? undefined
        : await judgeCandidates({ problem, candidates: chunk, scorer: scorer.name, judge, context });
    judged?.scores.forEach((score, index) => {
      if (score === undefined) return;
      const candidate = candidates[index]!;
      candidates[index] = { ...candidate, scores: [...candidate.scores, score] };
      scored += 1;
    });
    const stoppedBy =
      judged !== undefined && judged.stoppedBy !== "complete"
        ? judged.stoppedBy
        : chunk.length < candidates.length
          ? "score-calls"
          : "complete";
    return { candidates, scored, stoppedBy, calls: judged?.calls ?? 0, usage: judged?.usage ?? emptyUsage };
  }
  while (scored < candidates.length) {
    const size = affordable(scorer, candidates.length - scored, scoreCallsLeft(budget));
    if (size === 0) return { candidates, scored, stoppedBy: "score-calls", calls, usage };
    const chunk = candidates.slice(scored, scored + size);
    const batch = await scoreRecorded({
      context,
      parentIds: chunk.map((candidate) => candidate.id),
      scorer: scorer.name,
      resultName: "scores",
      score: async (callOptions) => {
        const solutions = chunk.map((candidate) => ({
          text: candidate.text,
          answer: candidate.answer,
          ...(candidate.toolCalls === undefined ? {} : { toolCalls: candidate.toolCalls }),
        }));
        const answer = await scorer.score(problem, solutions, callOptions);
        return { results: answer.scores, calls: answer.calls, usage: answer.usage };
      },
      event: (score) => ({
        scorer: score.scorer,
        value: score.value,
        steps: score.steps,
        detail: score.detail,
      }),
    });
    calls += batch.calls;
    usage = addUsage(usage, batch.usage);
    if (batch.results === undefined) return { candidates, scored, stoppedBy: batch.stoppedBy, calls, usage };
    batch.results.forEach((score, offset) => {
      const candidate = chunk[offset]!;
      candidates[scored + offset] = { ...candidate, scores: [...candidate.scores, score] };
    });
    scored += chunk.length;
  }
  return { candidates, scored, stoppedBy: "complete", calls, usage };
}
