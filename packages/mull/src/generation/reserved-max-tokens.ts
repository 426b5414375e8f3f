import { completionTokenCap } from "../budget/index.ts";
import type { Budget } from "../spec/index.ts";

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
 * The `maxTokens` a call asks so that the budget's token limits still leave its caller's reserve after it:
 * what the limits have left after its prompt (`completionTokenCap`), less the reserve, shared among its
 * completions (and halved where the next call re-reads what it writes under a limit on what is read,
 * after its prompt counted twice), at least 1, where that is below `asked` (or the call asked none);
 * otherwise `asked`, as it is where the reserve is 0 or the budget limits no tokens. Why: a call lowered
 * only to what the budget leaves would spend the room kept for what comes after it. A completion that ends
 * at this `maxTokens` stopped where its caller wanted room kept, as at its own `maxTokens`, not cut by the
 * budget.
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
  // What all the completions together may generate: a cap for one completion of the call.
  const left = completionTokenCap(budget, 1, promptTokens);
  if (left === undefined) return asked;
  const shares = Math.max(1, completions);
  let each = Math.floor((left.tokens - reserveTokens) / shares);
  if (call.rereads === true) {
    // The prompt read twice, and what the call writes read once more: where a limit counts what is read,
    // it takes twice the room. A limit on generated tokens alone (`completion-tokens`) does not.
    const reread = completionTokenCap(budget, 1, 2 * promptTokens);
    if (reread !== undefined && reread.limit !== "completion-tokens") {
      each = Math.min(each, Math.floor((reread.tokens - reserveTokens) / (2 * shares)));
    }
  }
  each = Math.max(1, each);
  return asked === undefined || each < asked ? each : asked;
}
