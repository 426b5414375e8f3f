import type { Budget, StopReason } from "../spec/index.ts";
import { costAllowance } from "./cost-allowance.ts";
import { reservedUsage } from "./reserved-usage.ts";

/**
 * What an action is about to spend. Counts that do not apply are left out: a scoring step names only
 * `scoreCalls`, a generation call names `calls`, `completions` and its token estimates.
 */
export interface BudgetPlan {
  /** Backend generation calls the action makes (one for a native-`n` call, `n` for a fan-out). */
  readonly calls?: number | undefined;
  /** Completions the action asks for. */
  readonly completions?: number | undefined;
  /**
   * Expected prompt tokens over the whole action, as the backend will charge them: a prompt once per
   * request, or once per completion on a backend that charges it so (`BackendCapabilities.promptPerCompletion`).
   */
  readonly promptTokens?: number | undefined;
  /** Expected generated tokens per completion. */
  readonly completionTokensEach?: number | undefined;
  /** Scorer calls the action makes. */
  readonly scoreCalls?: number | undefined;
}

/**
 * The limit an action would run into, or `undefined` when the budget affords it. The single place
 * where limits are compared with what was spent: `createBudget().affords()`, the sampling block and the
 * scoring block all ask it.
 *
 * Time and cancellation always count; the call and token limits count only for actions that generate;
 * the scorer-call limit only for actions that score. Token limits apply to the tokens the backend
 * reports: a count it leaves unreported cannot be held against a limit. A money limit with prices
 * (`Budget.price`) is held against the plan's tokens at those prices (`costAllowance`), as a token limit
 * is; without prices, only against what was spent. What calls in flight hold (`Budget.reserve`) counts as
 * spent, so calls made at once together stay within the limits.
 *
 * @example
 * const reason = budgetShortfall(budget, { calls: 1, completions: 8, completionTokensEach: 200 });
 * if (reason !== undefined) return { stoppedBy: reason };
 */
export function budgetShortfall(budget: Budget, plan: BudgetPlan): StopReason | undefined {
  const { limits } = budget;
  // Asking `exhausted()` lets a budget notice a passed deadline (and fire its signal) right now.
  budget.exhausted();
  const spent = budget.spent();
  const timeIsUp =
    limits.maxMilliseconds !== undefined && spent.elapsedMilliseconds >= limits.maxMilliseconds;
  if (timeIsUp) return "time";
  if (budget.signal.aborted) return "abort";
  const completions = plan.completions ?? 0;
  const calls = plan.calls ?? 0;
  if (calls > 0 || completions > 0) {
    const held = reservedUsage(budget);
    const callsSpent = spent.usage.calls + held.calls;
    if (limits.maxCalls !== undefined && callsSpent + calls > limits.maxCalls) return "calls";
    const promptSpent = (spent.usage.promptTokens ?? 0) + (held.promptTokens ?? 0);
    const completionSpent = (spent.usage.completionTokens ?? 0) + (held.completionTokens ?? 0);
    const completionPlanned = completions * (plan.completionTokensEach ?? 0);
    if (limits.maxTotalTokens !== undefined) {
      const total = promptSpent + completionSpent;
      if (total >= limits.maxTotalTokens) return "tokens";
      if (total + (plan.promptTokens ?? 0) + completionPlanned > limits.maxTotalTokens) return "tokens";
    }
    if (limits.maxCompletionTokens !== undefined) {
      if (completionSpent >= limits.maxCompletionTokens) return "completion-tokens";
      if (completionSpent + completionPlanned > limits.maxCompletionTokens) return "completion-tokens";
    }
    const allowance = costAllowance(budget);
    if (allowance !== undefined) {
      if (allowance.reached) return "cost";
      if (!allowance.affords(plan.promptTokens ?? 0, completionPlanned)) return "cost";
    } else if (
      limits.maxCostUsd !== undefined &&
      spent.costUsd !== undefined &&
      spent.costUsd >= limits.maxCostUsd
    ) {
      return "cost";
    }
  }
  const scoreCalls = plan.scoreCalls ?? 0;
  if (
    scoreCalls > 0 &&
    limits.maxScoreCalls !== undefined &&
    spent.scoreCalls + scoreCalls > limits.maxScoreCalls
  ) {
    return "score-calls";
  }
  return undefined;
}
