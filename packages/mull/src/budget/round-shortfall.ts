import type { Budget, StopReason } from "../spec/index.ts";
import { budgetShortfall } from "./budget-shortfall.ts";

/** What a round does, as far as the budget is concerned. */
export interface RoundKind {
  /** Whether the round's samples must be scored to be of any use (a verifier must accept one). */
  readonly scored: boolean;
}

/**
 * The limit that keeps a wrapper's next round from starting, or `undefined` when the budget affords it:
 * the round is a nested run that starts with a generation call, so the call and token limits, the
 * deadline and an abort count, and the scorer-call limit only when `round.scored` (`budgetShortfall`'s
 * rule: "the scorer-call limit only for actions that score"). A round's tokens are sized by its calls.
 * Unlike `Budget.exhausted()`, which names any limit that ran out (a `maxScoreCalls` of 0 from the
 * start), it does not stop rounds that never call a scorer on the scorer-call limit.
 *
 * @example
 * const shortfall = roundShortfall(context.budget, { scored: false });
 * if (shortfall !== undefined) return { ...soFar, stoppedBy: shortfall };
 */
export function roundShortfall(budget: Budget, round: RoundKind): StopReason | undefined {
  return budgetShortfall(budget, { calls: 1, completions: 1, ...(round.scored ? { scoreCalls: 1 } : {}) });
}
