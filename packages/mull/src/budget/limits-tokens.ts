import type { Budget } from "../spec/index.ts";

/**
 * Whether `budget` limits the tokens a call may spend: a token limit (`maxTotalTokens`,
 * `maxCompletionTokens`), or a money limit (`maxCostUsd`) with the prices that turn it into tokens
 * (`Budget.price`). Under such a budget a call's prompt is counted and its `maxTokens` sized before it is
 * made, and calls run at once only when the budget affords them all.
 *
 * @example
 * const sized = limitsTokens(context.budget) ? await promptTokens(context, prompt) : undefined;
 */
export function limitsTokens(budget: Budget): boolean {
  const { limits } = budget;
  return (
    limits.maxTotalTokens !== undefined ||
    limits.maxCompletionTokens !== undefined ||
    (limits.maxCostUsd !== undefined && budget.price !== undefined)
  );
}
