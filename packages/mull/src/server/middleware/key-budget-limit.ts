import type { MiddlewareHandler } from "hono";
import { ApiError } from "../http/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";
import type { ApiKeyCheck } from "./api-key-check.ts";
import { type KeyBudgetAnswer, type KeyBudgetStore, memoryKeyBudgetStore } from "./key-budget-store.ts";
import type { TokenReservation } from "./key-token-budget.ts";
import { requestCredential } from "./request-credential.ts";

/** The token budget of the key a request came with. */
export interface KeyBudget {
  /**
   * Reserves a request's worst case, `tokens`, against its key's budget; `reckoning` says how the worst
   * case was reckoned (`4 samples × (about 16 prompt + 48 max_tokens) + 4 judge calls × …`), for the refusal.
   *
   * @throws ApiError 400 `request_exceeds_key_budget` (rejects, without Retry-After: no window ever covers
   * it) when `tokens` is more than the key's whole budget per minute, saying the worst case, how it was
   * reckoned and the budget, before any reservation; 429 `key_budget_exceeded` with Retry-After when the
   * budget's current window cannot cover it, saying how many tokens are left in the key's window and, given
   * `reckoning`, how the worst case was reckoned; StateStoreUnavailableError when the shared store cannot
   * be reached (for a request within the budget per minute).
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
 * The 400 of a request whose worst case, `tokens`, is more than its key's whole budget per minute: no
 * window can ever cover it, so a client told to retry (a 429's Retry-After) would retry forever. Where the
 * store tells it (`ask`, which reserves nothing for such a request, as its budget cannot cover it), the
 * message also says how many tokens are left in the key's current window.
 */
async function beyondKeyBudget(
  tokens: number,
  reckoning: string | undefined,
  tokensPerMinute: number,
  ask: () => Promise<KeyBudgetAnswer>,
): Promise<ApiError> {
  const answer = await ask().catch(() => undefined);
  // Never the case for a store made for this budget; were it so, nothing stays reserved.
  if (answer !== undefined && !("retryAfterSeconds" in answer)) await answer.settle(0);
  const left =
    answer !== undefined && "remainingTokens" in answer
      ? `${answer.remainingTokens} tokens are left in the current minute's window, and `
      : "";
  return new ApiError(
    400,
    `this key's token budget of ${tokensPerMinute} tokens per minute cannot cover this request (up to ${tokens} tokens${reckoning === undefined ? "" : `: ${reckoning}`}): ${left}no minute ever has more than ${tokensPerMinute}, so retrying cannot help; ask for fewer tokens (a lower max_tokens, a smaller n, or a strategy that draws fewer samples)`,
    { code: "request_exceeds_key_budget", param: "max_tokens" },
  );
}

/**
 * Per-key token budgets (in memory, `createKeyTokenBudget`, or in a shared `store`): gives each request `keyBudget`, which its handler calls
 * with the request's worst case once the body is planned (the cost is not known before), before any
 * upstream call. A worst case beyond the key's whole budget per minute is refused with 400
 * `request_exceeds_key_budget`, never 429 (`beyondKeyBudget`). Without a budget configured, requests pass
 * untouched and `keyBudget` stays undefined.
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
    const keyId = () => keys.keyId(requestCredential((name) => context.req.header(name)));
    context.set("keyBudget", {
      async reserve(tokens, reckoning) {
        if (tokens > tokensPerMinute) {
          throw await beyondKeyBudget(tokens, reckoning, tokensPerMinute, () =>
            budget.reserve(keyId(), tokens),
          );
        }
        const reserved = await budget.reserve(keyId(), tokens);
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
