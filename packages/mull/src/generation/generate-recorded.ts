import { emptyUsage } from "../budget/index.ts";
import { checkCapability } from "../runtime/index.ts";
import type { Completion, GenerationResult, StopReason } from "../spec/index.ts";
import { withGenerationSpan } from "../telemetry/index.ts";
import { type CallMaxTokens, callMaxTokens } from "./call-max-tokens.ts";
import { callShortfall } from "./call-shortfall.ts";
import { capabilitiesOrStop } from "./capabilities-or-stop.ts";
import { chargeCall } from "./charge-call.ts";
import { chargeFailedCall } from "./charge-failed-call.ts";
import { completionCallsAnswer } from "./completion-calls-answer.ts";
import { completionLogprobs } from "./completion-logprobs.ts";
import { countedPromptUsage } from "./counted-prompt-usage.ts";
import { cuttableCall } from "./cut-call.ts";
import { cutReason } from "./cut-reason.ts";
import type { GenerateRecordedOptions } from "./generate-recorded-options.ts";
import { generateUncappedIfRefused } from "./generate-uncapped-if-refused.ts";
import { mergeSampling } from "./merge-sampling.ts";
import { recordUnstartedCall } from "./record-unstarted-call.ts";
import type { RecordedOutcome } from "./recorded-outcome.ts";
import { reserveCall } from "./reserve-call.ts";

export type { GenerateRecordedOptions, RequiredCapabilities } from "./generate-recorded-options.ts";
export type { RecordedOutcome } from "./recorded-outcome.ts";

/** One completion of a recorded call, with its trace id and what was derived from it. */
export interface RecordedCompletion extends Completion {
  /** Trace id of its `generation` event. */
  readonly id: string;
  /**
   * Sum of its token log-probabilities, when tokens came back, and of its end token's (`endLogprob`) when
   * the backend reported it: the log-probability of the completion as a text that ends there.
   */
  readonly logprob: number | undefined;
  /** Mean of its token log-probabilities, when tokens came back. */
  readonly meanLogprob: number | undefined;
  /** Generated tokens: as reported, else how many came back with log-probabilities. */
  readonly tokenCount: number | undefined;
  /** Its extracted answer, with `extractAnswers`; otherwise `undefined`. */
  readonly answer: string | undefined;
  /** The model that wrote it, as the backend names it. */
  readonly model: string;
}

/**
 * What `generateRecorded` produced and why it stopped; `usage` is empty when no call was made, or it was
 * aborted and the backend could not tell what it had done.
 */
export interface GenerateRecordedResult extends RecordedOutcome {
  /** The completions, in the backend's order, each recorded as a `generation` event. */
  readonly completions: readonly RecordedCompletion[];
  /** Completions the backend returned, counting those left out as cut by an abort or by the budget. */
  readonly returned: number;
  /**
   * The `maxTokens` the call was made with: the one asked, or lower where the budget's token limits (less
   * `reserveTokens`) left less, and less than the backend's context leaves; `undefined` when none was asked
   * and the budget set none (the backend's default), when the backend refused the one the budget set and
   * the call was made again without it, or when no call was made.
   */
  readonly maxTokens: number | undefined;
}

/**
 * Makes one backend call on behalf of a run, the way every block that generates must: the request is
 * built from `context.sampling` with the caller's overrides and a seed from `context.rng`; the required
 * capabilities are checked (asked with `capabilitiesOrStop`: a run cut before they came makes no call, and
 * returns the cut's reason); no call is started that the budget cannot afford (its `plan`, with a token
 * at least for each completion: a prompt that leaves none stops the call before it is made); the call's
 * usage is charged to the budget (its `maxTokens` capped to what the budget's token limits have left,
 * where that is below what the backend's context leaves, `callMaxTokens`; a backend that refuses a cap the
 * budget set where the call asked none gets the call again without it, `generateUncappedIfRefused`;
 * `budgetTokenCut`: a completion that ends at a cap the budget put below what the call asked, finish
 * reason `length`, was cut mid-way by the budget: it is recorded and charged but not returned, a `note`
 * says so, and the call stops by that limit, `tokens` or `completion-tokens`; one that ends at the call's
 * own `maxTokens` is returned as any; a `budgetShare` caps it the same way, and `reserveTokens` lowers the
 * call's own `maxTokens` to keep room for after it); while the call is in flight it
 * holds its plan's calls and prompt tokens and its completions' `maxTokens` (`Budget.reserve`), so that
 * calls started beside it are sized against what it may spend; each completion is recorded as a
 * `generation` event under `parentId` (the call's usage on the first); log-probability sums and means
 * are computed. An abort or a passed deadline during the call is not an error: it comes back as the
 * budget's stop reason. What the call had done by then is charged and recorded all the same, as far as
 * the backend tells it (in its result, or through `CallOptions.onAborted` before it rejects): tokens
 * generated up to the abort and prompts read, its completions cut there recorded with finish reason
 * `abort` but not returned, those that had finished returned; a call cut before any completion began
 * (sent, its stream not started) is recorded as one `generation` with no text, finish reason `abort` and
 * the call's usage, so that the trace accounts for every call charged (`usageByModel`); a prompt the
 * backend cannot tell is charged as it counted it before the call (`countedPromptTokens`), since a request
 * is cut only once sent, after the server read its prompt; any other count the backend cannot tell makes
 * the run's unknown, and a `note` says so. A call that fails is charged, before its error passes on, what
 * the error says it had used (`chargeFailedCall`: the tokens a stream generated before it broke), recorded
 * as one `generation` with no text and finish reason `unknown`, with a `note` naming the failure. The call
 * is an OpenTelemetry client span (`withGenerationSpan`), child of the active span.
 *
 * @throws CapabilityError when the backend lacks a capability in `requires`.
 * @throws BackendCallError when the backend returns no completions, or a usage without `calls` or with a
 * count below 0 (`checkBackendUsage`); the backend's own error when its call fails (what it had used
 * charged first).
 * @example
 * const { completions, stoppedBy } = await generateRecorded({
 *   context,
 *   prompt: { kind: "text", text: "Q: 2+2=? A:" },
 *   n: 4,
 *   plan: (capabilities) => ({ calls: capabilities.n ? 1 : 4, completions: 4 }),
 *   extractAnswers: true,
 * });
 */
export async function generateRecorded(options: GenerateRecordedOptions): Promise<GenerateRecordedResult> {
  const { context, prompt, n } = options;
  const { backend, budget, tracer, signal } = context;
  // Drawn first, before any wait, so that concurrent calls draw seeds in the order they were started.
  const seed = options.seed ?? context.rng.nextSeed();
  const parentId = options.parentId ?? context.parentId;
  const notMade = (stoppedBy: StopReason): GenerateRecordedResult => ({
    completions: [],
    stoppedBy,
    usage: emptyUsage,
    returned: 0,
    maxTokens: undefined,
  });

  const { requires } = options;
  const required = [
    ...(requires?.capabilities ?? []),
    ...(options.watch === undefined ? [] : ["watchTokens" as const]),
  ];
  let plan = typeof options.plan === "function" ? undefined : options.plan;
  if (required.length > 0 || typeof options.plan === "function") {
    // A run cut before the capabilities came (a first call's probe) makes no call: that is its stop.
    const asked = await capabilitiesOrStop(context);
    if (asked.stoppedBy !== undefined) return notMade(asked.stoppedBy);
    const { capabilities } = asked;
    for (const name of required) {
      checkCapability(backend, capabilities, name, requires?.requiredBy ?? "generateRecorded");
    }
    if (typeof options.plan === "function") plan = options.plan(capabilities);
  }
  // Found affordable and reserved with no wait in between (no `await` from here to the call), so that
  // calls started beside it are sized against what it holds.
  const shortfall = plan === undefined ? undefined : callShortfall(budget, plan, options.budgetShare);
  if (shortfall !== undefined) return notMade(shortfall);

  const merged = mergeSampling(context.sampling, options.sampling);
  // A budget-checked call asks for no more tokens than the budget has left for each of its completions,
  // less the tokens its caller keeps for after it (stopping there is the call's own `maxTokens`), where
  // that lowers what the backend's context lets them write.
  const sized: CallMaxTokens =
    plan === undefined
      ? { maxTokens: merged.maxTokens, held: merged.maxTokens, lowered: undefined, budgetSet: false }
      : callMaxTokens(budget, backend, {
          completions: n,
          promptTokens: plan.promptTokens,
          asked: merged.maxTokens,
          reserveTokens: options.reserveTokens,
          rereads: options.reserveRereads,
          share: options.budgetShare,
        });
  const { lowered, maxTokens } = sized;
  const sampling = maxTokens === merged.maxTokens ? merged : { ...merged, maxTokens };
  const request = {
    prompt,
    n,
    temperature: sampling.temperature,
    topP: sampling.topP,
    topK: sampling.topK,
    minP: sampling.minP,
    maxTokens: sampling.maxTokens,
    stop: sampling.stop,
    seed,
    ...(options.logprobs === true || options.topLogprobs !== undefined ? { logprobs: true } : {}),
    ...(options.topLogprobs === undefined ? {} : { topLogprobs: options.topLogprobs }),
  };
  const cut = options.watch === undefined ? undefined : options.cut;
  const cuttable = cut === undefined || options.watch === undefined ? undefined : cuttableCall(options.watch);
  const watch = cuttable?.watch ?? options.watch;
  const callSignal = cut === undefined ? signal : AbortSignal.any([signal, cut]);
  const logprobs = request.logprobs === true;
  // What a backend that rejects on an abort says the call had done by then (`CallOptions.onAborted`).
  let told: GenerationResult | undefined;
  const onAborted = (partial: GenerationResult) => {
    told = partial;
  };
  let result: GenerationResult;
  // Whether the run's abort (its deadline, a limit or the caller) ended the call.
  let aborted = false;
  // In flight, the call holds what it may spend, so that calls started beside it are sized against that;
  // released as it is charged (no wait in between) or fails.
  let held = reserveCall(budget, plan, n, sized.held);
  // Whether the backend refused the budget's `maxTokens` and the call was made again without it.
  let uncapped = false;
  try {
    const described = backend.describe();
    const spanRequest = {
      prompt,
      model: described.model,
      backend: described.kind,
      n,
      temperature: sampling.temperature,
      topP: sampling.topP,
      maxTokens: sampling.maxTokens,
      seed,
      signal,
    };
    // Cut before it was made (the decision came while it waited for the capabilities): no request.
    result =
      cut?.aborted === true && cuttable !== undefined
        ? cuttable.cutResult(n, described.model, logprobs, 0)
        : await withGenerationSpan(spanRequest, () =>
            generateUncappedIfRefused(
              (made) =>
                backend.generate(made, {
                  signal: callSignal,
                  onAborted,
                  ...(watch === undefined ? {} : { watch }),
                }),
              request,
              sized.budgetSet,
              (message) => {
                uncapped = true;
                tracer.record({ type: "note", parentId, message });
              },
            ),
          );
    if (cut?.aborted === true && cuttable !== undefined) result = cuttable.asCut(result, logprobs);
  } catch (error) {
    if (!signal.aborted && cut?.aborted === true && cuttable !== undefined) {
      result = cuttable.cutResult(n, backend.describe().model, logprobs, n);
    } else {
      if (!signal.aborted) {
        // Released before what the call had used is charged, as for a call that returned, and only once.
        held?.release();
        held = undefined;
        chargeFailedCall(context, error, {
          parentId,
          step: options.step,
          countedPromptTokens: options.countedPromptTokens,
        });
        throw error;
      }
      // Nothing said, nothing known: the backend sent nothing, or cannot tell what it had done.
      if (told === undefined) return notMade(cutReason(budget));
      result = told;
      aborted = true;
    }
  } finally {
    held?.release();
  }
  // A call an abort cut after it was sent read its prompt: charged as counted where the backend could not
  // tell it.
  if (aborted || signal.aborted || cut?.aborted === true) {
    result = { ...result, usage: countedPromptUsage(result.usage, options.countedPromptTokens) };
  }
  chargeCall(context, { result, n, aborted, parentId, noteUnreportedTokens: options.noteUnreportedTokens });
  // Cut before any completion began (a request sent, its stream not started): charged all the same, so
  // it is recorded as one cut generation, with nothing written, that carries the call's usage.
  recordUnstartedCall(tracer, result, { parentId, step: options.step });

  // A backend that resolves on the run's abort (the embedded one) cuts completions there, as one that
  // rejects does: either way the run was cut, and a completion cut mid-way is no sample.
  const cutByRun =
    aborted ||
    (signal.aborted && result.completions.some((completion) => completion.finishReason === "abort"));
  // A completion that ran into the cap the budget lowered is cut mid-way, so it is no sample either.
  const cutByBudget = (completion: Completion) => lowered?.cut(completion) === true;
  const budgetCut = result.completions.filter(cutByBudget).length;
  // Every completion is recorded, those cut by an abort or by the budget too, so that the trace accounts
  // for all the work charged; those left out are not returned.
  const leaveOut = (completion: Completion) =>
    ((options.dropAborted === true || cutByRun) && completion.finishReason === "abort") ||
    cutByBudget(completion);
  const recorded = result.completions.map((completion, position): RecordedCompletion => {
    const { logprob, meanLogprob } = completionLogprobs(completion);
    const calls = completion.toolCalls;
    // A completion that ended in function calls answers with the calls, voted like any answer; calls its
    // token limit cut, or written only in part, answer nothing (`completionCallsAnswer`).
    const answer =
      options.extractAnswers !== true
        ? undefined
        : calls !== undefined && calls.length > 0
          ? completionCallsAnswer(completion)
          : context.answerFormat.extract((options.answerPrefix ?? "") + completion.text);
    const id = tracer.record({
      type: "generation",
      parentId,
      text: completion.text,
      finishReason: completion.finishReason,
      completionTokens: completion.completionTokens,
      logprob,
      meanLogprob,
      ...(options.extractAnswers === true ? { answer } : {}),
      model: result.model,
      ...(options.step === undefined ? {} : { step: options.step }),
      ...(position === 0 ? { usage: result.usage } : {}),
    });
    const tokenCount = completion.completionTokens ?? completion.tokens?.length;
    return { ...completion, id, logprob, meanLogprob, tokenCount, answer, model: result.model };
  });
  if (budgetCut > 0 && lowered !== undefined) {
    tracer.record({ type: "note", parentId, message: lowered.note(budgetCut, recorded.length) });
  }
  const completions = recorded.filter((completion) => !leaveOut(completion));
  const stoppedBy: StopReason = cutByRun
    ? cutReason(budget)
    : budgetCut > 0 && lowered !== undefined
      ? lowered.limit
      : completions.length < recorded.length
        ? cutReason(budget)
        : "complete";
  return {
    completions,
    stoppedBy,
    usage: result.usage,
    returned: result.completions.length,
    maxTokens: uncapped ? undefined : sampling.maxTokens,
  };
}
