import { createKeyTokenBudget } from "./key-token-budget.ts";

/** A request admitted, or the seconds until the key's window resets when its limit is reached. */
export type KeyRequestRateAnswer = { readonly admitted: true } | { readonly retryAfterSeconds: number };

/**
 * Where per-key request counts are kept: in this process (`memoryKeyRequestRateStore`), or in a store
 * every replica shares (`mull serve --state`), so that two replicas enforce one limit. Same semantics
 * either way: fixed one-minute windows counted from a key's first request in them, each request counted
 * and checked in one atomic step; a refused request is not counted.
 */
export interface KeyRequestRateStore {
  /**
   * Counts one request of `key` (an opaque key id, never the key) in the current window, unless the
   * window already holds the limit.
   *
   * @throws StateStoreUnavailableError (rejects) when a shared store cannot be reached.
   */
  admit(key: string): Promise<KeyRequestRateAnswer>;
}

/**
 * The per-key request rates of one process: the windows of `createKeyTokenBudget`, each request
 * reserving one unit of a budget of `requestsPerMinute`.
 *
 * @example
 * const store = memoryKeyRequestRateStore(600, Date.now);
 * const answer = await store.admit(keyId);
 * if ("retryAfterSeconds" in answer) return tooMany(answer.retryAfterSeconds);
 */
export function memoryKeyRequestRateStore(requestsPerMinute: number, now: () => number): KeyRequestRateStore {
  const windows = createKeyTokenBudget(requestsPerMinute, now);
  return {
    async admit(key) {
      const answer = windows.reserve(key, 1);
      return "retryAfterSeconds" in answer
        ? { retryAfterSeconds: answer.retryAfterSeconds }
        : { admitted: true };
    },
  };
}
