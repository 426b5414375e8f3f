import type { Strategy } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";
import type { ChatRequestBody } from "./request-schema.ts";

/**
 * Refuses to continue the assistant's final message (`ChatRequestBody.continueFinalMessage`, an Anthropic
 * prefill) under a strategy: only a request without one sends the conversation to be continued as it is.
 * A strategy reads, votes on, scores or rewrites whole answers to the last user message (by an answer
 * format, a judge, a PRM, prompts of its own), not pieces that continue words it never saw, so a prefill
 * would be half-kept at best; budget forcing, which keeps a thinking budget in the strategy's place,
 * continues its traces with cues of its own.
 *
 * @throws ApiError 400 naming the message (`messages[1]`), the strategy (`budgetForcing`: the one that keeps
 * the request's thinking budget) and what to do instead.
 * @example
 * refuseContinuationUnder(strategy, body, false); // throws for sc@5 and a prefill; returns for no strategy
 */
export function refuseContinuationUnder(
  strategy: Strategy | undefined,
  body: ChatRequestBody | undefined,
  budgetForcing: boolean,
): void {
  const continued = body?.continueFinalMessage;
  if (strategy === undefined || continued === undefined) return;
  const why = budgetForcing
    ? `mull keeps the thinking budget (mull.reasoning_budget, or thinking.budget_tokens on /v1/messages) by budget forcing, strategy ${strategy.name}, which writes its traces afresh and continues them with cues of its own; send the prefill without a thinking budget, or leave it out`
    : `strategy ${strategy.name} samples answers of its own to the last user message; send the prefill to the bare model, or leave it out`;
  throw new ApiError(
    400,
    `${continued.param} ends the conversation with the assistant's words to be continued (a prefill), which only a request without a strategy does: ${why}`,
    { param: continued.param, code: "unsupported_parameter" },
  );
}
