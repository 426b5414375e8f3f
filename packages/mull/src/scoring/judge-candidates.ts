import type { RecordedOutcome } from "../generation/index.ts";
import type { Candidate, ModelJudge, Problem, Score, StrategyContext } from "../spec/index.ts";
import { judgeCalls } from "./judge-calls.ts";

/** Options of `judgeCandidates`. */
export interface JudgeCandidatesOptions {
  /** The problem the candidates answer, as the judge is shown it. */
  readonly problem: Problem;
  /** The candidates to judge, one call each: the scorer-call limit must afford them all. */
  readonly candidates: readonly Candidate[];
  /** The scorer's name: its spans are `mull.score <scorer>`, and its notes start with it. */
  readonly scorer: string;
  /** The judge's calls (`OutcomeScorer.judge`). */
  readonly judge: ModelJudge;
  /** The run's context: its budget sizes and is charged for each call, its tracer records the events. */
  readonly context: StrategyContext;
}

/** What `judgeCandidates` produced and why it stopped; `usage` is the judge's model usage. */
export interface JudgeCandidatesResult extends RecordedOutcome {
  /**
   * One score per candidate, in order: `undefined` for a candidate left unscored (its call not made, cut by
   * the budget or an abort, or refused by the backend).
   */
  readonly scores: readonly (Score | undefined)[];
  /** Scorer calls charged to the run (`scoreCallsCharged` of each call made). */
  readonly calls: number;
}

/**
 * Judges candidates on behalf of a run, one model call each (`ModelJudge`, made by `judgeCalls`), the way generations are made:
 * each call's prompt is counted (`promptTokens`, by the judge's backend where it can count) and no call is
 * started that the budget cannot afford (`callShortfall`: its prompt and one token of reply), with a note
 * saying how many were not made and why; each asks no more tokens than the budget's token limits leave
 * (`budgetTokenCut`) and holds them while in flight (`reserveCall`); each is charged as it ends, its tokens
 * to the budget's token account and its requests as scorer calls (`scoreCallsCharged`), not generation
 * calls. The calls run `judge.concurrency` at once when the budget affords them all at their own
 * `maxTokens`, else one at a time, each sized by what those before it spent. A reply the budget cut
 * (finish reason `length` at the lowered cap) is no verdict: charged, noted, not scored, and the run
 * stops by that limit. A call the backend refuses (`BackendCallError`: a 4xx such as a prompt over the
 * context length, a 5xx after its retries) or answers with no reply is charged what it used and not
 * scored, and scoring goes on; one note per distinct message says how many were refused and why. An abort or a passed deadline comes back as the budget's stop
 * reason, what the call had done charged. One `score` event is recorded under each candidate scored.
 *
 * @throws MullError (other than `BackendCallError`) that the judge's backend throws, e.g. a
 * `CapabilityError`; `BackendCallError` for a usage without `calls` (`checkBackendUsage`).
 * @example
 * const { scores, stoppedBy } = await judgeCandidates({ problem, candidates, scorer: judge.name, judge: judge.judge!, context });
 */
export async function judgeCandidates(options: JudgeCandidatesOptions): Promise<JudgeCandidatesResult> {
  const { problem, candidates, scorer, judge, context } = options;
  const requests = candidates.map((candidate) =>
    judge.request(problem, {
      text: candidate.text,
      answer: candidate.answer,
      ...(candidate.toolCalls === undefined ? {} : { toolCalls: candidate.toolCalls }),
    }),
  );
  const scores: (Score | undefined)[] = candidates.map(() => undefined);
  const called = await judgeCalls({
    requests,
    backend: judge.backend,
    concurrency: judge.concurrency,
    scorer,
    parentIds: candidates.map((candidate) => candidate.id),
    unjudged: { one: "this candidate is left unscored", many: "those candidates are left unscored" },
    context,
    onReply(text, index) {
      const score = judge.verdict(text);
      scores[index] = score;
      context.tracer.record({
        type: "score",
        parentId: candidates[index]!.id,
        scorer: score.scorer,
        value: score.value,
        steps: score.steps,
        detail: score.detail,
      });
    },
  });
  return { scores, stoppedBy: called.stoppedBy, calls: called.calls, usage: called.usage };
}
