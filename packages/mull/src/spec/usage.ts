/**
 * Token and call counts for one or more backend calls.
 *
 * A count that a backend did not report is `undefined`, never 0: a sum that includes an
 * unknown part is unknown.
 */
export interface Usage {
  /** Tokens of prompt sent to the model, summed over calls; `undefined` when not reported. */
  readonly promptTokens: number | undefined;
  /** Tokens generated, summed over every returned completion; `undefined` when not reported. */
  readonly completionTokens: number | undefined;
  /** Prompt tokens served from a prefix cache, when the backend reports it. */
  readonly cachedPromptTokens?: number | undefined;
  /**
   * Of the completion tokens, those a reasoning model spent thinking, when the backend reports them
   * (`completion_tokens_details.reasoning_tokens`); included in `completionTokens`.
   */
  readonly reasoningTokens?: number | undefined;
  /**
   * Backend calls made (HTTP requests or embedded evaluations); always known: a backend reports it for
   * every call, since only it knows how many requests a call fanned out into (`generateRecorded` refuses
   * a usage without it, and a budget's `charge` too).
   */
  readonly calls: number;
}
