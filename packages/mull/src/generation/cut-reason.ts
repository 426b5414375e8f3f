import { budgetShortfall } from "../budget/index.ts";
import type { Budget, StopReason } from "../spec/index.ts";

/**
 * Why a run's work was cut short while it waited (its signal aborted, or it found the deadline passed):
 * `time` when the budget's time limit has passed, else the caller's `abort`.
 *
 * @example
 * if (context.signal.aborted) return { stoppedBy: cutReason(context.budget) };
 */
export function cutReason(budget: Budget): StopReason {
  return budgetShortfall(budget, {}) ?? "abort";
}
