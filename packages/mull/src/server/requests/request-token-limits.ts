import type { Strategy } from "../../spec/index.ts";
import { worstCaseTokens } from "../../strategies/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";

/**
 * A prompt's tokens as a refusal states them: `about 75 tokens` when estimated from its characters,
 * `307 tokens, counted by the model's tokenizer` when its backend counted them.
 */
export function promptTokensPhrase(promptTokens: number, counted: boolean): string {
  return counted
    ? `${promptTokens} tokens, counted by the model's tokenizer`
    : `about ${promptTokens} tokens`;
}

/**
 * Refuses (400 `context_length_exceeded`, both numbers in the message) a request whose prompt (estimated,
 * or `counted` by the model's tokenizer) plus `max_tokens` is over the model's context window, when the
 * window is known.
 *
 * @throws ApiError on `messages`.
 */
export function checkContextWindow(
  served: ServedModel,
  promptTokens: number,
  maxTokens: number,
  counted = false,
): void {
  if (served.contextWindow === undefined || promptTokens + maxTokens <= served.contextWindow) return;
  throw new ApiError(
    400,
    `the prompt (${promptTokensPhrase(promptTokens, counted)}) plus max_tokens (${maxTokens}) is ${promptTokens + maxTokens} tokens, over the context window of ${served.contextWindow} tokens of model ${served.name}`,
    { param: "messages", code: "context_length_exceeded" },
  );
}

/** What {@link checkRequestTokens} weighs. */
export interface RequestTokens {
  /** The planned strategy, or `undefined` for a plain request of `n` choices. */
  readonly strategy: Strategy | undefined;
  /** The strategy's samples (its N, or `n`). */
  readonly samples: number;
  /** The request's `n` (choices of a plain request). */
  readonly n: number;
  /** The prompt's tokens: estimated from its characters, or counted when `promptTokensCounted`. */
  readonly estimatedPromptTokens: number;
  /** True when the model's tokenizer counted `estimatedPromptTokens`. */
  readonly promptTokensCounted?: boolean | undefined;
  readonly maxTokens: number;
  readonly served: ServedModel;
  /** `limits.maxRequestTokens`. */
  readonly maxRequestTokens: number;
  /** The client's `mull.budget.max_total_tokens`, which bounds the run where it is lower. */
  readonly clientMaxTotalTokens: number | undefined;
  /** The request field the refusal names. */
  readonly param: string;
}

/**
 * Refuses (400 `budget_exceeded`) a request whose worst case is over the server's per-request token cap:
 * samples × (prompt + `max_tokens`), or the strategy's own `worstCaseTokens` where its calls re-read what
 * its traces wrote (`extend@MwE`, `probe@NkK`, a cascade); a client budget below the cap lets it run,
 * bounded at run time.
 *
 * @returns the tokens the request may use at most: its worst case, or the client's budget if lower.
 * @throws ApiError naming `param`, the worst case, how it was reckoned and the cap.
 */
export function checkRequestTokens(request: RequestTokens): number {
  const { strategy, samples, estimatedPromptTokens, maxTokens, maxRequestTokens } = request;
  const cost = {
    promptTokens: estimatedPromptTokens,
    maxTokens,
    thinkingCues: request.served.profile.thinkingCues,
  };
  const worstCase = Math.ceil(
    strategy === undefined
      ? request.n * (estimatedPromptTokens + maxTokens)
      : worstCaseTokens(strategy, cost),
  );
  const about = request.promptTokensCounted === true ? "" : "about ";
  const reckoning =
    strategy?.worstCaseTokens === undefined
      ? `${samples} samples × (${about}${estimatedPromptTokens} prompt + ${maxTokens} max_tokens)`
      : `the worst case of strategy ${strategy.name}, whose calls re-read what it wrote, for ${about}${estimatedPromptTokens} prompt tokens and max_tokens ${maxTokens}`;
  const bounded = Math.min(worstCase, request.clientMaxTotalTokens ?? worstCase);
  if (bounded <= maxRequestTokens) return bounded;
  throw new ApiError(
    400,
    `this request may use up to ${worstCase} tokens (${reckoning}), over the server's per-request cap of ${maxRequestTokens} tokens (limits.maxRequestTokens); lower n, the strategy's N or max_tokens, or set mull.budget.max_total_tokens`,
    { param: request.param, code: "budget_exceeded" },
  );
}
