import type { Budget } from "../spec/index.ts";
import { reservedUsage } from "./reserved-usage.ts";
import { tokenCostUsd } from "./token-cost.ts";

/**
 * What a money limit leaves, in tokens at the budget's prices, beside what was spent and what calls in
 * flight hold (`Budget.reserve`).
 */
export interface CostAllowance {
  /** Whether what was spent and is held already costs the whole limit. */
  readonly reached: boolean;
  /** Whether `promptTokens` and `completionTokens` more still cost no more than the limit. */
  affords(promptTokens: number, completionTokens: number): boolean;
  /**
   * The most completion tokens, all completions together, that fit beside `promptTokens` more prompt
   * tokens: 0 when the prompt alone does not fit, `Infinity` when completion tokens cost nothing.
   */
  completionTokens(promptTokens: number): number;
}

/** How far a first estimate of the tokens that fit is corrected, one token a step, for rounding. */
const roundingSteps = 3;

/**
 * The token allowance of `budget`'s money limit (`maxCostUsd`): the money left after what was charged
 * and what calls in flight hold, turned into tokens by the budget's prices (`Budget.price`, each count at
 * its own price, as `tokenCostUsd` charges them), so that calls sized by it stay within the limit however
 * many run at once, as they do within a token limit. Counts the backend left unreported count 0, as they
 * do against token limits. `undefined` when the budget has no money limit or no prices.
 *
 * @example
 * // 0.00015 USD at 1 USD per million tokens each, 100 tokens spent: 50 left, 40 after a 10-token prompt.
 * costAllowance(budget)?.completionTokens(10); // 40
 */
export function costAllowance(budget: Budget): CostAllowance | undefined {
  const { maxCostUsd } = budget.limits;
  const { price } = budget;
  if (maxCostUsd === undefined || price === undefined) return undefined;
  const usage = budget.spent().usage;
  const held = reservedUsage(budget);
  const promptSpent = (usage.promptTokens ?? 0) + (held.promptTokens ?? 0);
  const completionSpent = (usage.completionTokens ?? 0) + (held.completionTokens ?? 0);
  // The cost of the whole account in one sum, so that a total that meets the limit exactly compares equal.
  const affords = (promptTokens: number, completionTokens: number): boolean =>
    tokenCostUsd(price, promptSpent + promptTokens, completionSpent + completionTokens) <= maxCostUsd;
  return {
    reached: tokenCostUsd(price, promptSpent, completionSpent) >= maxCostUsd,
    affords,
    completionTokens(promptTokens) {
      if (!affords(promptTokens, 0)) return 0;
      if (price.completionUsdPerMillion === 0) return Number.POSITIVE_INFINITY;
      const left = maxCostUsd - tokenCostUsd(price, promptSpent + promptTokens, completionSpent);
      let tokens = Math.max(0, Math.floor((left * 1_000_000) / price.completionUsdPerMillion));
      for (let step = 0; step < roundingSteps && tokens > 0 && !affords(promptTokens, tokens); step += 1) {
        tokens -= 1;
      }
      for (let step = 0; step < roundingSteps && affords(promptTokens, tokens + 1); step += 1) tokens += 1;
      return tokens;
    },
  };
}
