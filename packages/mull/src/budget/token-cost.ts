import type { TokenPrice } from "../spec/index.ts";

/**
 * What `promptTokens` and `completionTokens` cost at `price`, in US dollars: each count times its price per
 * million tokens. The one rule a budget's money is counted by, both for what was spent (`createBudget`)
 * and for what a call may spend (`costAllowance`).
 *
 * @example
 * tokenCostUsd({ promptUsdPerMillion: 1, completionUsdPerMillion: 4 }, 100, 50); // 0.0003
 */
export function tokenCostUsd(price: TokenPrice, promptTokens: number, completionTokens: number): number {
  return (
    (promptTokens * price.promptUsdPerMillion + completionTokens * price.completionUsdPerMillion) / 1_000_000
  );
}
