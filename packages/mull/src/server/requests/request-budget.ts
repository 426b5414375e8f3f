import type { BudgetLimits } from "../../spec/index.ts";
import type { ServerConfig } from "../config/index.ts";
import type { ChatRequestBody } from "./request-schema.ts";

/** The run's budget: the client's `mull.budget` within the server's caps on time and tokens per request. */
export function requestBudget(
  clientBudget: NonNullable<ChatRequestBody["mull"]>["budget"],
  limits: ServerConfig["limits"],
): BudgetLimits {
  return {
    maxMilliseconds: Math.min(
      clientBudget?.max_milliseconds ?? limits.maxRequestMilliseconds,
      limits.maxRequestMilliseconds,
    ),
    // The cap also binds at run time: a step-level search re-reads its growing prefix at every step, so
    // its tokens are not bounded by samples × (prompt + max_tokens) alone.
    maxTotalTokens: Math.min(
      clientBudget?.max_total_tokens ?? limits.maxRequestTokens,
      limits.maxRequestTokens,
    ),
    ...(clientBudget?.max_completion_tokens === undefined
      ? {}
      : { maxCompletionTokens: clientBudget.max_completion_tokens }),
    ...(clientBudget?.max_calls === undefined ? {} : { maxCalls: clientBudget.max_calls }),
  };
}
