import type { MiddlewareHandler } from "hono";
import { ApiError } from "../http/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";
import type { ApiKeyCheck } from "./api-key-check.ts";
import { type KeyBudgetStore, memoryKeyBudgetStore } from "./key-budget-store.ts";
import type { TokenReservation } from "./key-token-budget.ts";
import { requestCredential } from "./request-credential.ts";

/** The token budget of the key a request came with. */
export interface KeyBudget {
  /**
   * Reserves a request's worst case, `tokens`, against its key's budget; `reckoning` says how the worst
   * case was reckoned (`4 samples × (about 16 prompt + 48 max_tokens) + 4 judge calls × …`), for the refusal.
   *
   * @throws ApiError 429 `key_budget_exceeded` with Retry-After when the budget cannot cover it (rejects),
   * saying how many tokens are left in the key's window and, given `reckoning`, how the worst case was reckoned;
   * StateStoreUnavailableError when the shared store cannot be reached.
   */
  reserve(tokens: number, reckoning?: string): Promise<TokenReservation>;
}

/** What `keyBudgetLimit` gives a request; absent when no per-key budget is configured. */
export interface KeyBudgetVariables {
  keyBudget: KeyBudget | undefined;
}

/** Options of `keyBudgetLimit`. */
export interface KeyBudgetLimitOptions {
  /** Tokens each key may use per minute (`limits.keyTokensPerMinute`); absent means no limit. */
  readonly tokensPerMinute: number | undefined;
  /** Clock of the budget's one-minute windows, in milliseconds; default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /**
   * Where the budgets live, made for `tokensPerMinute`; default this process's memory. A shared serving
   * state (`mull serve --state`) passes one every replica reserves in.
   */
  readonly store?: ((tokensPerMinute: number) => KeyBudgetStore) | undefined;
  /** Names the key of a request (by an opaque id, never the key). */
  readonly keys: ApiKeyCheck;
  readonly metrics: ServerMetrics;
}

/**
 * Per-key token budgets (in memory, `createKeyTokenBudget`, or in a shared `store`): gives each request `keyBudget`, which its handler calls
 * with the request's worst case once the body is planned (the cost is not known before), before any
 * upstream call. Without a budget configured, requests pass untouched and `keyBudget` stays undefined.
 *
 * @example
 * app.post(path, keyBudgetLimit({ tokensPerMinute: 100_000, keys, metrics }), handler);
 * // in the handler:
 * const reservation = await context.var.keyBudget?.reserve(plan.worstCaseTokens);
 */
export function keyBudgetLimit(
  options: KeyBudgetLimitOptions,
): MiddlewareHandler<{ Variables: KeyBudgetVariables }> {
  const { tokensPerMinute, keys, metrics } = options;
  if (tokensPerMinute === undefined) return (_context, next) => next();
  const budget =
    options.store?.(tokensPerMinute) ?? memoryKeyBudgetStore(tokensPerMinute, options.now ?? Date.now);
  return async (context, next) => {
    context.set("keyBudget", {
      async reserve(tokens, reckoning) {
        const reserved = await budget.reserve(
          keys.keyId(requestCredential((name) => context.req.header(name))),
          tokens,
        );
        if (!("retryAfterSeconds" in reserved)) return reserved;
        metrics.rejected.inc({ reason: "key-budget" });
        throw new ApiError(
          429,
          `this key's token budget of ${tokensPerMinute} tokens per minute cannot cover this request (up to ${tokens} tokens${reckoning === undefined ? "" : `: ${reckoning}`}): ${reserved.remainingTokens} tokens are left in the current minute's window; retry after ${reserved.retryAfterSeconds} s, or ask for fewer tokens (max_tokens, n)`,
          { code: "key_budget_exceeded", headers: { "retry-after": String(reserved.retryAfterSeconds) } },
        );
      },
    });
    await next();
  };
}
