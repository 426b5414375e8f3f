import type { Budget } from "../spec/index.ts";

/**
 * The scorer calls `budget` has left under its `maxScoreCalls` limit: the limit less what was charged
 * (`chargeScore`), never below 0; `Infinity` when it limits no scorer calls. What sizes a batch of judge
 * calls, one scorer call each, before it is made: a batch cut to it cannot pass the limit however many
 * of its calls run at once.
 *
 * @example
 * const chunk = candidates.slice(0, Math.min(scoreCallsLeft(budget), candidates.length));
 */
export function scoreCallsLeft(budget: Budget): number {
  const { maxScoreCalls } = budget.limits;
  if (maxScoreCalls === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(0, maxScoreCalls - budget.spent().scoreCalls);
}
