import type { Budget } from "../spec/index.ts";
import { costAllowance } from "./cost-allowance.ts";
import { reservedUsage } from "./reserved-usage.ts";

/** The most tokens each completion of a call may generate under the budget, and the limit that sets it. */
export interface CompletionTokenCap {
  /** Tokens each completion may generate, at least 1. */
  readonly tokens: number;
  /**
   * The limit that leaves the fewest tokens (`tokens` for `maxTotalTokens`, `completion-tokens` for
   * `maxCompletionTokens`, `cost` for a priced `maxCostUsd`): the stop reason of a call whose completions
   * it cut.
   */
  readonly limit: "tokens" | "completion-tokens" | "cost";
}

/**
 * The most tokens each of `completions` may generate so that a call stays within what the budget's token
 * limits have left (`maxTotalTokens` after `promptTokens`, and `maxCompletionTokens`) and what its money
 * limit leaves at its prices after `promptTokens` (`costAllowance`), at least 1, with the limit that sets
 * it; `undefined` when the budget limits no tokens (`limitsTokens`). A call asks no more than this as its
 * `maxTokens`, so a budget smaller than one sample is not overrun by a whole sample. `promptTokens` are all
 * the call will be charged for its prompt: once per request, or once per completion on a backend with
 * `promptPerCompletion` (`completions` times the prompt in one request). What calls in flight hold
 * (`Budget.reserve`) counts as spent: a call started beside others gets what they leave.
 *
 * @example
 * // 100 of 300 tokens spent, a call of 2 completions with a 40-token prompt: (300 − 100 − 40) / 2 = 80.
 * completionTokenCap(budget, 2, 40); // { tokens: 80, limit: "tokens" }
 * // The same on a backend that charges the prompt per completion: (300 − 100 − 2 × 40) / 2 = 60.
 * completionTokenCap(budget, 2, 2 * 40); // { tokens: 60, limit: "tokens" }
 */
export function completionTokenCap(
  budget: Budget,
  completions: number,
  promptTokens = 0,
): CompletionTokenCap | undefined {
  const { limits } = budget;
  const usage = budget.spent().usage;
  const held = reservedUsage(budget);
  const promptSpent = (usage.promptTokens ?? 0) + (held.promptTokens ?? 0);
  const completionSpent = (usage.completionTokens ?? 0) + (held.completionTokens ?? 0);
  let left: number | undefined;
  let limit: CompletionTokenCap["limit"] = "tokens";
  if (limits.maxTotalTokens !== undefined) {
    left = limits.maxTotalTokens - promptSpent - completionSpent - promptTokens;
  }
  if (limits.maxCompletionTokens !== undefined) {
    const completionLeft = limits.maxCompletionTokens - completionSpent;
    if (left === undefined || completionLeft < left) {
      left = completionLeft;
      limit = "completion-tokens";
    }
  }
  const costLeft = costAllowance(budget)?.completionTokens(promptTokens);
  if (costLeft !== undefined && Number.isFinite(costLeft) && (left === undefined || costLeft < left)) {
    left = costLeft;
    limit = "cost";
  }
  if (left === undefined) return undefined;
  return { tokens: Math.max(1, Math.floor(left / Math.max(1, completions))), limit };
}
