import { type BudgetPlan, budgetShortfall, type CompletionTokenCap } from "../budget/index.ts";
import type { Budget, StopReason } from "../spec/index.ts";

/**
 * The limit a call of `plan` would run into (`budgetShortfall`), or `undefined` when the budget affords
 * it, planning a token at least for each completion: a call's `maxTokens` is never capped below 1, so a
 * call whose prompt leaves less than that for each is not started. A `share` (the call's part of the
 * tokens left, where a caller shares them among calls it runs at once) caps what each completion plans.
 * It does not wait, so that a call reserves what it may spend (`reserveCall`) in the same turn as it
 * was found affordable, before calls started beside it are sized.
 *
 * @example
 * const shortfall = callShortfall(budget, { calls: 1, completions: 4, promptTokens: 40 }, share);
 * if (shortfall !== undefined) return { completions: [], stoppedBy: shortfall };
 */
export function callShortfall(
  budget: Budget,
  plan: BudgetPlan,
  share?: CompletionTokenCap | undefined,
): StopReason | undefined {
  return budgetShortfall(budget, {
    ...plan,
    completionTokensEach: Math.max(
      1,
      Math.min(plan.completionTokensEach ?? 0, share?.tokens ?? Number.POSITIVE_INFINITY),
    ),
  });
}
