import { reservedUsage } from "../budget/index.ts";
import type { Budget } from "../spec/index.ts";
import { reservedCostTokens } from "./reserved-cost-tokens.ts";

/** What {@link reservedMaxTokens} sizes: a call, and the room its caller keeps for the call after it. */
export interface ReservedCall {
  /** Completions the call asks for. */
  readonly completions: number;
  /** What the call will be charged for its prompt; unknown counts as 0. */
  readonly promptTokens: number | undefined;
  /** The call's own `maxTokens`; `undefined` when it asked none (the backend's default). */
  readonly asked: number | undefined;
  /** Generated tokens the call after it needs (the answer a forced solution still needs). */
  readonly reserveTokens: number | undefined;
  /**
   * Whether the call after it reads this call's prompt and what it writes again (a forced answer re-reads
   * the question and the thinking): under a limit on what is read too (`maxTotalTokens`, a priced
   * `maxCostUsd`), what this call writes then counts twice, and its prompt once more.
   */
  readonly rereads?: boolean | undefined;
}

/**
 * The `maxTokens` a call asks so that the budget's limits still leave its caller's reserve after it: the
 * least that every limit leaves each of its completions, at least 1, where that is below `asked` (or the
 * call asked none); otherwise `asked`, as it is where the reserve is 0 or the budget limits no tokens.
 * Each limit counts what it counts: `maxCompletionTokens` what the completions write and the reserve;
 * `maxTotalTokens` those and the prompt, and where the next call re-reads (`rereads`), the prompt again
 * and what the completions write again (half the room, after the prompt counted twice); a priced
 * `maxCostUsd` the same counts, each at its own price (`reservedCostTokens`). A limit added never lets a
 * call write more. Why: a call lowered only to what the budget leaves would spend the room kept for what
 * comes after it. A completion that ends at this `maxTokens` stopped where its caller wanted room kept, as
 * at its own `maxTokens`, not cut by the budget.
 *
 * @example
 * // 50 tokens left, a 10-token prompt, 8 kept for the answer: 50 − 10 − 8 = 32.
 * reservedMaxTokens(budget, { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 8 }); // 32
 * // The answer re-reads the prompt and the thinking: (50 − 2 × 10 − 8) / 2 = 11.
 * reservedMaxTokens(budget, { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 8, rereads: true }); // 11
 */
export function reservedMaxTokens(budget: Budget, call: ReservedCall): number | undefined {
  const { completions, promptTokens = 0, asked, reserveTokens } = call;
  if (reserveTokens === undefined || reserveTokens <= 0) return asked;
  const shares = Math.max(1, completions);
  const rereads = call.rereads === true;
  const { maxTotalTokens, maxCompletionTokens } = budget.limits;
  const usage = budget.spent().usage;
  const held = reservedUsage(budget);
  const promptSpent = (usage.promptTokens ?? 0) + (held.promptTokens ?? 0);
  const completionSpent = (usage.completionTokens ?? 0) + (held.completionTokens ?? 0);
  // What each completion may write under each limit; the call asks the least of them.
  const bounds: number[] = [];
  if (maxCompletionTokens !== undefined) {
    bounds.push(Math.floor((maxCompletionTokens - completionSpent - reserveTokens) / shares));
  }
  if (maxTotalTokens !== undefined) {
    // Re-read, the prompt and what the completions write count twice.
    const reads = rereads ? 2 : 1;
    const left = maxTotalTokens - promptSpent - completionSpent - reads * promptTokens - reserveTokens;
    bounds.push(Math.floor(left / (reads * shares)));
  }
  const cost = reservedCostTokens(budget, { shares, promptTokens, reserveTokens, rereads });
  if (cost !== undefined) bounds.push(cost);
  if (bounds.length === 0) return asked;
  const each = Math.max(1, Math.min(...bounds));
  return asked === undefined || each < asked ? each : asked;
}
