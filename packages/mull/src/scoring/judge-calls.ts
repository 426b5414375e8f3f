import { addUsage, budgetShortfall, checkBackendUsage, emptyUsage, limitsTokens } from "../budget/index.ts";
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
  Backend,
  GenerationRequest,
  GenerationResult,
  StopReason,
  StrategyContext,
  Usage,
} from "../spec/index.ts";
import { withScoreSpan } from "../telemetry/index.ts";
import { scoreCallsCharged } from "./score-calls-charged.ts";

/** Options of `judgeCalls`. */
export interface JudgeCallsOptions {
  /** One request per judged thing (`n` 1), in order; each call's `maxTokens` is lowered to what the budget leaves. */
  readonly requests: readonly GenerationRequest[];
  /** The model that judges. */
  readonly backend: Backend;
  /** Calls in flight at once, when the budget affords them all at their own `maxTokens`. */
  readonly concurrency: number;
  /** The scorer's name: its spans are `mull.score <scorer>`, and its notes start with it. */
  readonly scorer: string;
  /** Trace id of what each request judges, in order: the note on a reply the budget cut hangs under it. */
  readonly parentIds: readonly string[];
  /**
   * What a call that gives no verdict leaves, as the notes say it: `one` of the thing judged (`this
   * candidate is left unscored`), `many` of several (`those candidates are left unscored`).
   */
  readonly unjudged: { readonly one: string; readonly many: string };
  /** The run's context: its budget sizes and is charged for each call, its tracer records the notes. */
  readonly context: StrategyContext;
  /** Told each whole reply as its call ends (not a reply the budget cut), with its request's index. */
  readonly onReply?: ((text: string, index: number) => void) | undefined;
}

/** What `judgeCalls` produced and why it stopped; `usage` is the judge's model usage. */
export interface JudgeCallsResult extends RecordedOutcome {
  /**
   * The reply of each request, in order: `undefined` for a call not made (the budget could not afford it,
   * or an abort), cut by the budget or an abort, or refused by the backend.
   */
  readonly replies: readonly (string | undefined)[];
  /** Scorer calls charged to the run (`scoreCallsCharged` of each call made). */
  readonly calls: number;
}

/** One judge call's outcome. */
interface Called {
  readonly reply: string | undefined;
  readonly stoppedBy: StopReason;
  /** The budget could not afford the call: it was not made. */
  readonly skipped: boolean;
  /** Why the backend gave no reply (its error's message), when it refused the call. */
  readonly refusal?: string | undefined;
  readonly calls: number;
  readonly usage: Usage;
}

/** The longest piece of a backend's error message a note quotes. */
const quotedCharacters = 300;

/**
 * Makes an LLM judge's calls on behalf of a run, one per request, the way generations are made: each
 * call's prompt is counted (`promptTokens`, by the judge's backend where it can count) and no call is
 * started that the budget cannot afford (`callShortfall`: its prompt and one token of reply, and a scorer
 * call), with a note saying how many were not made and why; each asks no more tokens than the budget's
 * token and money limits leave (`budgetTokenCut`) and holds them while in flight (`reserveCall`); each is charged as
 * it ends, its tokens to the budget's token account and its requests as scorer calls
 * (`scoreCallsCharged`), not generation calls. The calls run `concurrency` at once when the budget affords
 * them all at their own `maxTokens` and a scorer call each, else one at a time, each sized by what those
 * before it spent. A reply the budget cut (finish reason `length` at the lowered cap) is no verdict:
 * charged, noted, no reply, and the run stops by that limit. A call the backend refuses
 * (`BackendCallError`: a 4xx such as a prompt over the context length, a 5xx after its retries) or answers
 * with no reply is charged what it used and gives no reply, and the calls go on; one note per distinct message says how many were refused and why. An
 * abort or a passed deadline comes back as the budget's stop reason, what the call had done charged. The
 * shared engine of `judgeCandidates` (outcome judges) and a step judge's process rewards.
 *
 * @throws MullError (other than `BackendCallError`) that the judge's backend throws, e.g. a
 * `CapabilityError`; `BackendCallError` for a usage without `calls` (`checkBackendUsage`).
 * @example
 * const { replies, stoppedBy } = await judgeCalls({
 *   requests, backend, concurrency: 4, scorer: "step-judge", parentIds, context,
 *   unjudged: { one: "this step gets no reward", many: "those steps get no reward" },
 * });
 */
export async function judgeCalls(options: JudgeCallsOptions): Promise<JudgeCallsResult> {
  const { requests, backend, concurrency, scorer, parentIds, unjudged, context } = options;
  const { budget, tracer, signal } = context;
  const counted: PromptTokens[] = await mapInParallel(requests, concurrency, (request) =>
    promptTokens({ backend, budget, signal }, request.prompt),
  );
  // Calls the budget affords at their own `maxTokens` run together; otherwise each is sized by what the
  // ones before it actually spent, not by what they might have.
  const longest = requests.some((request) => request.maxTokens === undefined)
    ? undefined
    : Math.max(0, ...requests.map((request) => request.maxTokens ?? 0));
  // Each call is one scorer call: calls run at once must fit the scorer calls left as well as the tokens,
  // since none of them is charged before it ends.
  const allAfforded =
    (longest !== undefined || !limitsTokens(budget)) &&
    budgetShortfall(budget, {
      completions: requests.length,
      promptTokens: counted.reduce((sum, prompt) => sum + prompt.tokens, 0),
      completionTokensEach: longest ?? 0,
      scoreCalls: requests.length,
    }) === undefined;

  /** Charges what a call used: its tokens to the token account, its requests as scorer calls. */
  const charge = (usage: Usage | undefined): { calls: number; usage: Usage } => {
    const calls = scoreCallsCharged(usage?.calls ?? 0);
    budget.chargeScore(calls);
    if (usage === undefined) return { calls, usage: emptyUsage };
    checkBackendUsage(backend, usage);
    budget.charge({ ...usage, calls: 0 });
    return { calls, usage };
  };

  const callOne = async (request: GenerationRequest, index: number): Promise<Called> => {
    const prompt = counted[index]!.tokens;
    const plan = { completions: 1, promptTokens: prompt, scoreCalls: 1 };
    const notMade = (stoppedBy: StopReason): Called => ({
      reply: undefined,
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
        reply: undefined,
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
        reply: undefined,
        stoppedBy: "complete",
        skipped: false,
        refusal: "the backend returned no reply",
        ...spent,
      };
    }
    if (lowered?.cut(completion) === true) {
      tracer.record({
        type: "note",
        parentId: parentIds[index],
        message: `${scorer}: the judge's reply was cut at ${lowered.maxTokens} tokens by the budget's ${lowered.limit} limit; a cut reply is no verdict, so ${unjudged.one}`,
      });
      return { reply: undefined, stoppedBy: lowered.limit, skipped: false, ...spent };
    }
    options.onReply?.(completion.text, index);
    return { reply: completion.text, stoppedBy: "complete", skipped: false, ...spent };
  };

  const called = await mapInParallel(requests, allAfforded ? concurrency : 1, callOne);
  const skipped = new Map<StopReason, number>();
  for (const entry of called) {
    if (entry.skipped && entry.stoppedBy !== "abort") {
      skipped.set(entry.stoppedBy, (skipped.get(entry.stoppedBy) ?? 0) + 1);
    }
  }
  const refusals = new Map<string, number>();
  for (const entry of called) {
    if (entry.refusal !== undefined) refusals.set(entry.refusal, (refusals.get(entry.refusal) ?? 0) + 1);
  }
  for (const [refusal, count] of refusals) {
    tracer.record({
      type: "note",
      parentId: context.parentId,
      message: `${scorer}: the judge's backend refused ${count} of ${requests.length} judge calls, so ${unjudged.many}: ${refusal}`,
    });
  }
  for (const [reason, count] of skipped) {
    tracer.record({
      type: "note",
      parentId: context.parentId,
      message: `${scorer}: ${count} of ${requests.length} judge calls not made: the budget's ${reason} limit could not afford them; ${unjudged.many}`,
    });
  }
  return {
    replies: called.map((entry) => entry.reply),
    stoppedBy: called.find((entry) => entry.stoppedBy !== "complete")?.stoppedBy ?? "complete",
    calls: called.reduce((sum, entry) => sum + entry.calls, 0),
    usage: called.length === 0 ? emptyUsage : addUsage(...called.map((entry) => entry.usage)),
  };
}
