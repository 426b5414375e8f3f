import { addUsage, budgetShortfall, emptyUsage } from "../budget/index.ts";
import { MullError } from "../errors/index.ts";
import type { Candidate, OutcomeScorer, Problem, StopReason, StrategyContext, Usage } from "../spec/index.ts";

/** Options of `scoreCandidates`. */
export interface ScoreCandidatesOptions {
  readonly problem: Problem;
  readonly candidates: readonly Candidate[];
  readonly scorer: OutcomeScorer;
  readonly context: StrategyContext;
}

/** Candidates with their new scores, and what scoring cost. */
export interface ScoreCandidatesResult {
  /** Every candidate, in order; those scored carry the new score last in `scores`. */
  readonly candidates: readonly Candidate[];
  /** How many were scored (the first ones, in order). */
  readonly scored: number;
  /** `complete`, or the limit that stopped scoring (`score-calls`, `time`, `abort`). */
  readonly stoppedBy: StopReason;
  /** Scorer calls made. */
  readonly calls: number;
  /** Model usage of the scorer, when it calls a model. */
  readonly usage: Usage;
}

/**
 * Scores candidates with an outcome scorer, within the budget: records one `score` trace event per score
 * (under the scored generation), charges `budget.chargeScore` with the scorer's calls and the budget's
 * token account with the scorer's token usage (not its call count: those are scorer calls). Under a
 * `maxScoreCalls` limit it scores in chunks no larger than the calls left, assuming at most one call per
 * solution (true of judges and batched reward models). On a cut it returns what it scored.
 *
 * @example
 * const { candidates: scored } = await scoreCandidates({ problem, candidates, scorer: checker, context });
 */
export async function scoreCandidates(options: ScoreCandidatesOptions): Promise<ScoreCandidatesResult> {
  const { problem, scorer, context } = options;
  const { budget, tracer } = context;
  const candidates = [...options.candidates];
  let scored = 0;
  let calls = 0;
  let usage: Usage = emptyUsage;
  const done = (stoppedBy: StopReason): ScoreCandidatesResult => ({
    candidates,
    scored,
    stoppedBy,
    calls,
    usage,
  });

  while (scored < candidates.length) {
    const shortfall = budgetShortfall(budget, { scoreCalls: 1 });
    if (shortfall !== undefined) return done(shortfall);
    const left =
      budget.limits.maxScoreCalls === undefined
        ? Number.POSITIVE_INFINITY
        : budget.limits.maxScoreCalls - budget.spent().scoreCalls;
    const chunk = candidates.slice(scored, scored + Math.max(1, left));
    let batch: Awaited<ReturnType<OutcomeScorer["score"]>>;
    try {
      batch = await scorer.score(
        problem,
        chunk.map((candidate) => ({ text: candidate.text, answer: candidate.answer })),
        { signal: context.signal },
      );
    } catch (error) {
      if (!context.signal.aborted) throw error;
      return done(budgetShortfall(budget, {}) ?? "abort");
    }
    if (batch.scores.length !== chunk.length) {
      throw new MullError(
        `scorer "${scorer.name}" returned ${batch.scores.length} scores for ${chunk.length} solutions`,
      );
    }
    budget.chargeScore(batch.calls);
    calls += batch.calls;
    if (batch.usage !== undefined) {
      budget.charge({ ...batch.usage, calls: 0 });
      usage = addUsage(usage, batch.usage);
    }
    chunk.forEach((candidate, offset) => {
      const score = batch.scores[offset]!;
      tracer.record({
        type: "score",
        parentId: candidate.id,
        scorer: score.scorer,
        value: score.value,
        steps: score.steps,
        detail: score.detail,
      });
      candidates[scored + offset] = { ...candidate, scores: [...candidate.scores, score] };
    });
    scored += chunk.length;
  }
  return done("complete");
}
