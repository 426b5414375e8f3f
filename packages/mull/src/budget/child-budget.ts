import type { Budget, BudgetReservation, BudgetSpent, Clock, Usage } from "../spec/index.ts";
import { reserveBudget } from "./reserve-budget.ts";
import { reservedUsage } from "./reserved-usage.ts";
import { addUsage, emptyUsage } from "./usage.ts";

/** A budget that charges through to its parent and keeps its own account of what went through it. */
export interface ChildBudget extends Budget {
  /** What was charged through this budget since it was made (time counts from then too). */
  ownSpent(): BudgetSpent;
  /** Holds `usage` of the parent (`Budget.reserve`); nothing where the parent takes no reservations. */
  reserve(usage: Usage): BudgetReservation;
  /** What the parent's reservations hold (`Budget.reserved`). */
  reserved(): Usage;
}

/**
 * A child of a run's budget, for one nested strategy run: every charge goes through to `parent` (and so
 * to every ancestor), while the child keeps its own account, which is how `runStrategy` measures a
 * strategy's usage and score calls without the strategy adding them up. Limits, prices, `spent()`,
 * `exhausted()`, `affords()` and the signal are the parent's, so a nested run stops exactly when its parent must, and
 * reservations (`reserve`, `reserved()`) are the parent's too, so calls in flight in sibling runs hold
 * the one root budget.
 *
 * @example
 * const child = createChildBudget(context.budget, context.clock);
 * await inner.run(problem, { ...context, budget: child });
 * const { usage, scoreCalls } = child.ownSpent();
 */
export function createChildBudget(parent: Budget, clock: Clock): ChildBudget {
  const start = clock.now();
  let usage: Usage = emptyUsage;
  let scoreCalls = 0;
  let costUsd: number | undefined = 0;
  const parentCost = (): number | undefined => parent.spent().costUsd;
  return {
    limits: parent.limits,
    signal: parent.signal,
    price: parent.price,
    spent: () => parent.spent(),
    exhausted: () => parent.exhausted(),
    affords: (completions, tokensEach) => parent.affords(completions, tokensEach),
    charge(spent: Usage) {
      const before = parentCost();
      parent.charge(spent);
      const after = parentCost();
      costUsd =
        costUsd === undefined || before === undefined || after === undefined
          ? undefined
          : costUsd + after - before;
      usage = addUsage(usage, spent);
    },
    chargeScore(calls = 1) {
      parent.chargeScore(calls);
      scoreCalls += calls;
    },
    reserve: (held) => reserveBudget(parent, held),
    reserved: () => reservedUsage(parent),
    ownSpent: () => ({
      usage,
      scoreCalls,
      elapsedMilliseconds: clock.now() - start,
      costUsd,
    }),
  };
}
