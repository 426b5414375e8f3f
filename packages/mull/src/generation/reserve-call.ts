import { type BudgetPlan, reserveBudget } from "../budget/index.ts";
import type { Budget, BudgetReservation } from "../spec/index.ts";

/**
 * Holds of `budget` what a call about to be made may spend (`reserveBudget`): its plan's calls and prompt
 * tokens, and `maxTokens` for each of its `completions` (the plan's `completionTokensEach` where the call
 * asks no `maxTokens`), so that calls started beside it are sized against that while it is in flight.
 * A call without a plan is not checked against the budget, and holds nothing: `undefined`.
 *
 * @example
 * const held = reserveCall(budget, plan, n, sampling.maxTokens);
 * try {
 *   result = await backend.generate(request, { signal });
 * } finally {
 *   held?.release();
 * }
 */
export function reserveCall(
  budget: Budget,
  plan: BudgetPlan | undefined,
  completions: number,
  maxTokens: number | undefined,
): BudgetReservation | undefined {
  if (plan === undefined) return undefined;
  return reserveBudget(budget, {
    calls: plan.calls ?? 0,
    promptTokens: plan.promptTokens ?? 0,
    completionTokens: completions * (maxTokens ?? plan.completionTokensEach ?? 0),
  });
}
