import type { Budget, StopReason } from "../spec/index.ts";
import { budgetShortfall } from "./budget-shortfall.ts";

/** What one of several workers run at once (a trace, a chain of calls) is expected to spend. */
export interface WorkerCost {
  /** Backend generation calls it makes, an integer ≥ 1. */
  readonly calls: number;
  /** Prompt tokens its calls are charged, all of them together. */
  readonly promptTokens: number;
  /** Tokens it generates, all of its calls together; `undefined` when unknown (its prompts count alone). */
  readonly completionTokens: number | undefined;
}

/** How many workers to start now, and the limit that holds back the rest. */
export interface AffordableWorkers {
  /** Workers to start now, from 0 to the number wanted. */
  readonly count: number;
  /** The limit the next worker would run into, when `count` is below the number wanted. */
  readonly shortfall: StopReason | undefined;
}

/**
 * How many of `wanted` workers, each expected to spend `cost`, the budget affords to start at once: the
 * most whose costs together fit what it has left (`budgetShortfall`, which counts what calls in flight
 * hold as spent), with the limit that holds back the rest. Workers that run at once share what is left as
 * one call of that many completions would, so they are started only as many as fit: a tight budget gets a
 * few finished ones rather than many cut ones.
 *
 * @example
 * // 400 tokens left, traces of a 30-token prompt and about 100 generated tokens: 3 of 4 fit.
 * affordableWorkers(budget, 4, { calls: 1, promptTokens: 30, completionTokens: 100 });
 * // { count: 3, shortfall: "tokens" }
 */
export function affordableWorkers(budget: Budget, wanted: number, cost: WorkerCost): AffordableWorkers {
  let shortfall: StopReason | undefined;
  for (let count = wanted; count >= 1; count -= 1) {
    const reason = budgetShortfall(budget, {
      calls: count * cost.calls,
      completions: count,
      promptTokens: count * cost.promptTokens,
      completionTokensEach: cost.completionTokens,
    });
    if (reason === undefined) return { count, shortfall };
    shortfall = reason;
  }
  return { count: 0, shortfall };
}
