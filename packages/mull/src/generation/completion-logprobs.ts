import type { Completion } from "../spec/index.ts";

/** The log-probability of a completion, as a sum and as a mean over its tokens. */
export interface CompletionLogprobs {
  /**
   * Sum of its token log-probabilities, plus its end token's (`endLogprob`) when the backend reported it:
   * the log-probability of the completion as a text that ends there; `undefined` when no tokens came back.
   */
  readonly logprob: number | undefined;
  /** Mean of its token log-probabilities (the end token's left out); `undefined` when no tokens came back. */
  readonly meanLogprob: number | undefined;
}

/**
 * The log-probability sum and mean of a completion, read from the tokens that came back with it; both
 * `undefined` for a completion without tokens (no `logprobs` asked, or none written).
 *
 * @example
 * const { logprob, meanLogprob } = completionLogprobs(completion);
 */
export function completionLogprobs(completion: Completion): CompletionLogprobs {
  const tokens = completion.tokens;
  if (tokens === undefined || tokens.length === 0) return { logprob: undefined, meanLogprob: undefined };
  const sum = tokens.reduce((total, token) => total + token.logprob, 0);
  return { logprob: sum + (completion.endLogprob ?? 0), meanLogprob: sum / tokens.length };
}
