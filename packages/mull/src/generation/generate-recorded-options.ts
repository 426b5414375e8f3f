import type { BudgetPlan, CompletionTokenCap } from "../budget/index.ts";
import type { RequirableCapability } from "../runtime/index.ts";
import type { BackendCapabilities, Prompt, TokenWatcher } from "../spec/index.ts";
import type { RecordedCallOptions } from "./recorded-call-options.ts";

/** Capabilities a call needs, and on whose behalf: both are named in the `CapabilityError`. */
export interface RequiredCapabilities {
  /** Yes-or-no backend capabilities the call needs (e.g. `logprobs`), checked in this order. */
  readonly capabilities: readonly RequirableCapability[];
  /** Who needs them, usually the strategy's name, e.g. `force@16`. */
  readonly requiredBy: string;
}

/** Options of `generateRecorded`. */
export interface GenerateRecordedOptions extends RecordedCallOptions {
  /** What the model continues; sent to the backend as given. */
  readonly prompt: Prompt;
  /** Completions wanted from this call. */
  readonly n: number;
  /** Ask for this many top alternatives per position (implies `logprobs`). */
  readonly topLogprobs?: number | undefined;
  /** Seed of the call; default one drawn from `context.rng` as the call starts, before any wait. */
  readonly seed?: number | undefined;
  /** Checked (`checkCapability`), in order, before anything is spent. */
  readonly requires?: RequiredCapabilities | undefined;
  /**
   * What the call will spend, or how to tell it from the backend's capabilities (a backend without
   * native `n` makes `n` calls); no call is made when the budget cannot afford it. Default: not checked.
   */
  readonly plan?: BudgetPlan | ((capabilities: BackendCapabilities) => BudgetPlan) | undefined;
  /**
   * With `plan`: this call's share of the tokens left, where the caller shares them among calls it runs at
   * once (`completionTokenCap` over all of them). Each completion asks no more, and one that runs into it
   * was cut by the budget, as at the budget's own cap. Default none.
   */
  readonly budgetShare?: CompletionTokenCap | undefined;
  /**
   * With `plan`: generated tokens the budget's token limits must still leave after this call (the answer a
   * forced solution still needs), so its `maxTokens` is lowered to what they leave less these
   * (`reservedMaxTokens`). A completion that ends there stopped where the caller wanted room kept: it is
   * returned as one that ends at the call's own `maxTokens`, not left out as cut by the budget. Default 0.
   */
  readonly reserveTokens?: number | undefined;
  /**
   * With `reserveTokens`: the call after this one reads its prompt and what it writes again (a forced
   * answer re-reads the thinking), so under a limit on what is read the room it leaves counts that too
   * (`ReservedCall.rereads`). Default false.
   */
  readonly reserveRereads?: boolean | undefined;
  /** Extract each completion's answer with `context.answerFormat` (for full solutions, not steps). */
  readonly extractAnswers?: boolean | undefined;
  /**
   * With `extractAnswers`: text the answer is read after, `answerFormat.extract(answerPrefix + text)`: the
   * part of a solution written by earlier calls, or an answer cue in the prompt. Default none.
   */
  readonly answerPrefix?: string | undefined;
  /** Step index recorded on each `generation` event, for step-level search. */
  readonly step?: number | undefined;
  /**
   * Leave out of the result completions cut by an abort (a cut step is no step); the cut then names the stop
   * reason. They are still charged and recorded in the trace.
   */
  readonly dropAborted?: boolean | undefined;
  /**
   * Record a note when the budget limits tokens and the backend reported none for this call (a caller
   * making several calls asks on the first only, so it is said once).
   */
  readonly noteUnreportedTokens?: boolean | undefined;
  /**
   * Watches each completion's tokens as they are generated and may cut it (`CallOptions.watch`); the
   * backend's `watchTokens` capability is then required, after those in `requires`. Cut completions are
   * recorded like the others, with finish reason `cut` and the tokens generated up to the cut.
   */
  readonly watch?: TokenWatcher | undefined;
  /**
   * With `watch`: aborting this signal cuts the call at once, through the call's abort signal, instead of
   * at its next token. The completions come back cut (finish reason `cut`) with the text, tokens and
   * token count the watcher saw up to then, none for one still queued, and are charged that; unlike an
   * abort of `context.signal`, this is no stop of the run. Meant for single-completion calls: with
   * several, those that had finished come back cut too.
   */
  readonly cut?: AbortSignal | undefined;
  /**
   * The tokens each request of this call charges its prompt, where the backend counted them before the
   * call (`promptTokens` with `counted: true`, times `promptCharges` of one request): a call that an abort
   * (the run's, or `cut`) ended after it was sent, whose usage leaves the prompt unknown (a stream cut
   * before the server's usage came), is charged this for each request it made (`countedPromptUsage`).
   * Default none: such a call's prompt stays unknown.
   */
  readonly countedPromptTokens?: number | undefined;
}
