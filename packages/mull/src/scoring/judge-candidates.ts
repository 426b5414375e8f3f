import { addUsage, budgetShortfall, checkBackendUsage, emptyUsage } from "../budget/index.ts";
import { BackendCallError } from "../errors/index.ts";
import {
  budgetTokenCut,
  callShortfall,
  type PromptTokens,
  promptTokens,
  type RecordedOutcome,
  reserveCall,
} from "../generation/index.ts";
import { mapInParallel } from "../runtime/index.ts";
import type {
  Candidate,
  GenerationResult,
  ModelJudge,
  Problem,
  Score,
  StopReason,
  StrategyContext,
  Usage,
} from "../spec/index.ts";
import { withScoreSpan } from "../telemetry/index.ts";
import { scoreCallsCharged } from "./score-calls-charged.ts";

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

/** One judge call's outcome. */
interface Judged {
  readonly score: Score | undefined;
  readonly stoppedBy: StopReason;
  /** The budget could not afford the call: it was not made. */
  readonly skipped: boolean;
  /** Why the backend gave no reply to judge (its error's message), when it refused the call. */
  readonly refusal?: string | undefined;
  readonly calls: number;
  readonly usage: Usage;
}

/** The longest piece of a backend's error message a note quotes. */
const quotedCharacters = 300;

/**
 * Judges candidates on behalf of a run, one model call each (`ModelJudge`), the way generations are made:
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
  const { budget, tracer, signal } = context;
  const { backend } = judge;
  const requests = candidates.map((candidate) =>
    judge.request(problem, {
      text: candidate.text,
      answer: candidate.answer,
      ...(candidate.toolCalls === undefined ? {} : { toolCalls: candidate.toolCalls }),
    }),
  );
  const counted: PromptTokens[] = await mapInParallel(requests, judge.concurrency, (request) =>
    promptTokens({ backend, budget, signal }, request.prompt),
  );
  // Calls the budget affords at their own `maxTokens` run together; otherwise each is sized by what the
  // ones before it actually spent, not by what they might have.
  const longest = requests.some((request) => request.maxTokens === undefined)
    ? undefined
    : Math.max(0, ...requests.map((request) => request.maxTokens ?? 0));
  const limitsTokens =
    budget.limits.maxTotalTokens !== undefined || budget.limits.maxCompletionTokens !== undefined;
  const allAfforded =
    !limitsTokens ||
    (longest !== undefined &&
      budgetShortfall(budget, {
        completions: candidates.length,
        promptTokens: counted.reduce((sum, prompt) => sum + prompt.tokens, 0),
        completionTokensEach: longest,
      }) === undefined);

  /** Charges what a call used: its tokens to the token account, its requests as scorer calls. */
  const charge = (usage: Usage | undefined): { calls: number; usage: Usage } => {
    const calls = scoreCallsCharged(usage?.calls ?? 0);
    budget.chargeScore(calls);
    if (usage === undefined) return { calls, usage: emptyUsage };
    checkBackendUsage(backend, usage);
    budget.charge({ ...usage, calls: 0 });
    return { calls, usage };
  };

  const judgeOne = async (candidate: Candidate, index: number): Promise<Judged> => {
    const request = requests[index]!;
    const prompt = counted[index]!.tokens;
    const plan = { completions: 1, promptTokens: prompt, scoreCalls: 1 };
    const notMade = (stoppedBy: StopReason): Judged => ({
      score: undefined,
      stoppedBy,
      skipped: true,
      calls: 0,
      usage: emptyUsage,
    });
    // Found affordable and reserved with no wait in between, so that calls beside it are sized against it.
    const shortfall = callShortfall(budget, plan);
    if (shortfall !== undefined) return notMade(shortfall);
    const lowered = budgetTokenCut(budget, 1, prompt, request.maxTokens);
    const maxTokens = lowered?.maxTokens ?? request.maxTokens;
    // What a backend that rejects on an abort says the call had done by then (`CallOptions.onAborted`).
    let told: GenerationResult | undefined;
    let result: GenerationResult;
    const held = reserveCall(budget, plan, 1, maxTokens);
    try {
      const span = await withScoreSpan({ scorer, solutions: 1, signal }, async () => {
        const reply = await backend.generate(
          { ...request, n: 1, maxTokens },
          {
            signal,
            onAborted: (partial) => {
              told = partial;
            },
          },
        );
        return { reply, calls: reply.usage.calls, usage: reply.usage };
      });
      result = span.reply;
    } catch (error) {
      if (signal.aborted) {
        // Nothing said, nothing known: charged nothing, as the backend could not tell what it had done.
        const spent = told === undefined ? { calls: 0, usage: emptyUsage } : charge(told.usage);
        return { ...notMade(budgetShortfall(budget, {}) ?? "abort"), skipped: false, ...spent };
      }
      if (!BackendCallError.isInstance(error)) throw error;
      const spent = charge(error.usage);
      return {
        score: undefined,
        stoppedBy: "complete",
        skipped: false,
        refusal: error.message.slice(0, quotedCharacters),
        ...spent,
      };
    } finally {
      held?.release();
    }
    const spent = charge(result.usage);
    const completion = result.completions[0];
    if (completion === undefined) {
      return {
        score: undefined,
        stoppedBy: "complete",
        skipped: false,
        refusal: "the backend returned no reply",
        ...spent,
      };
    }
    if (lowered?.cut(completion) === true) {
      tracer.record({
        type: "note",
        parentId: candidate.id,
        message: `${scorer}: the judge's reply was cut at ${lowered.maxTokens} tokens by the budget's ${lowered.limit} limit; a cut reply is no verdict, so this candidate is left unscored`,
      });
      return { score: undefined, stoppedBy: lowered.limit, skipped: false, ...spent };
    }
    const score = judge.verdict(completion.text);
    tracer.record({
      type: "score",
      parentId: candidate.id,
      scorer: score.scorer,
      value: score.value,
      steps: score.steps,
      detail: score.detail,
    });
    return { score, stoppedBy: "complete", skipped: false, ...spent };
  };

  const judged = await mapInParallel(candidates, allAfforded ? judge.concurrency : 1, judgeOne);
  const skipped = new Map<StopReason, number>();
  for (const entry of judged) {
    if (entry.skipped && entry.stoppedBy !== "abort") {
      skipped.set(entry.stoppedBy, (skipped.get(entry.stoppedBy) ?? 0) + 1);
    }
  }
  const refusals = new Map<string, number>();
  for (const entry of judged) {
    if (entry.refusal !== undefined) refusals.set(entry.refusal, (refusals.get(entry.refusal) ?? 0) + 1);
  }
  for (const [refusal, count] of refusals) {
    tracer.record({
      type: "note",
      parentId: context.parentId,
      message: `${scorer}: the judge's backend refused ${count} of ${candidates.length} judge calls, so those candidates are left unscored: ${refusal}`,
    });
  }
  for (const [reason, count] of skipped) {
    tracer.record({
      type: "note",
      parentId: context.parentId,
      message: `${scorer}: ${count} of ${candidates.length} judge calls not made: the budget's ${reason} limit could not afford them; those candidates are left unscored`,
    });
  }
  return {
    scores: judged.map((entry) => entry.score),
    stoppedBy: judged.find((entry) => entry.stoppedBy !== "complete")?.stoppedBy ?? "complete",
    calls: judged.reduce((sum, entry) => sum + entry.calls, 0),
    usage: judged.length === 0 ? emptyUsage : addUsage(...judged.map((entry) => entry.usage)),
  };
}
