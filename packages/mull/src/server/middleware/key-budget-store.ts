import { createKeyTokenBudget, type KeyBudgetRefusal, type TokenReservation } from "./key-token-budget.ts";

/**
 * A reservation, or, when the key's budget cannot cover the request, the seconds until its window resets
 * and the tokens left in it.
 */
export type KeyBudgetAnswer = TokenReservation | KeyBudgetRefusal;

/**
 * Where per-key token budgets are kept: in this process (`memoryKeyBudgetStore`), or in a store every
 * replica shares (`mull serve --state`), so that two replicas enforce one budget. Same semantics either
 * way: fixed one-minute windows counted from a key's first request in them, the worst case reserved in one
 * atomic step, the unused part given back and the part used beyond it charged by `settle`.
 */
export interface KeyBudgetStore {
  /**
   * Reserves `tokens` for `key` (an opaque key id, never the key) in the current window.
   *
   * @throws StateStoreUnavailableError (rejects) when a shared store cannot be reached.
   */
  reserve(key: string, tokens: number): Promise<KeyBudgetAnswer>;
}

/**
 * The per-key budgets of one process (`createKeyTokenBudget`), behind the store contract.
 *
 * @example
 * const store = memoryKeyBudgetStore(100_000, Date.now);
 * const answer = await store.reserve(keyId, 8 * (200 + 512));
 */
export function memoryKeyBudgetStore(tokensPerMinute: number, now: () => number): KeyBudgetStore {
  const budget = createKeyTokenBudget(tokensPerMinute, now);
  return { reserve: async (key, tokens) => budget.reserve(key, tokens) };
}
