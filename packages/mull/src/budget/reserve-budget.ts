import type { Budget, BudgetReservation, Usage } from "../spec/index.ts";

const nothingHeld: BudgetReservation = { release() {} };

/**
 * Holds `usage` of `budget` for a call about to be made (`Budget.reserve`): until released, other calls
 * are sized as if it were spent. A budget that takes no reservations holds nothing, and the release does
 * nothing.
 *
 * @example
 * const held = reserveBudget(budget, { calls: 1, promptTokens: 40, completionTokens: 200 });
 * try {
 *   result = await backend.generate(request, { signal });
 * } finally {
 *   held.release();
 * }
 * budget.charge(result.usage);
 */
export function reserveBudget(budget: Budget, usage: Usage): BudgetReservation {
  return budget.reserve?.(usage) ?? nothingHeld;
}
