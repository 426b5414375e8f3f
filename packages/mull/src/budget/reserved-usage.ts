import type { Budget, Usage } from "../spec/index.ts";
import { emptyUsage } from "./usage.ts";

/**
 * What the calls in flight hold of `budget` (`Budget.reserved`), counted as spent when sizing other
 * calls; nothing for a budget that takes no reservations.
 *
 * @example
 * const held = reservedUsage(budget);
 * const callsLeft = budget.limits.maxCalls! - budget.spent().usage.calls - held.calls;
 */
export function reservedUsage(budget: Budget): Usage {
  return budget.reserved?.() ?? emptyUsage;
}
