import type { Budget } from "../spec/index.ts";

/**
 * The most tokens each of `completions` may generate so that a call stays within what the budget's token
 * limits have left (`maxTotalTokens` after `promptTokens`, and `maxCompletionTokens`), at least 1;
 * `undefined` when the budget limits no tokens. A call asks no more than this as its `maxTokens`, so a
 * budget smaller than one sample is not overrun by a whole sample.
 *
 * @example
 * // 100 of 300 tokens spent, a call of 2 completions with a 40-token prompt: (300 − 100 − 40) / 2 = 80.
 * completionTokenCap(budget, 2, 40); // 80
 */
export function completionTokenCap(
  budget: Budget,
  completions: number,
  promptTokens = 0,
): number | undefined {
  const { limits } = budget;
  const usage = budget.spent().usage;
  const promptSpent = usage.promptTokens ?? 0;
  const completionSpent = usage.completionTokens ?? 0;
  const left: number[] = [];
  if (limits.maxTotalTokens !== undefined) {
    left.push(limits.maxTotalTokens - promptSpent - completionSpent - promptTokens);
  }
  if (limits.maxCompletionTokens !== undefined) left.push(limits.maxCompletionTokens - completionSpent);
  if (left.length === 0) return undefined;
  return Math.max(1, Math.floor(Math.min(...left) / Math.max(1, completions)));
}
