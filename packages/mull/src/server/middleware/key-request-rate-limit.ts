import type { MiddlewareHandler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";
import type { ApiKeyCheck } from "./api-key-check.ts";
import { type KeyRequestRateStore, memoryKeyRequestRateStore } from "./key-request-rate-store.ts";
import { requestCredential } from "./request-credential.ts";

/** Options of `keyRequestRateLimit`. */
export interface KeyRequestRateLimitOptions {
  /** Requests each key may make per minute (`limits.keyRequestsPerMinute`); absent means no limit. */
  readonly requestsPerMinute: number | undefined;
  /** Clock of the one-minute windows, in milliseconds; default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /**
   * Where the counts live, made for `requestsPerMinute`; default this process's memory. A shared serving
   * state (`mull serve --state`) passes one every replica counts in.
   */
  readonly store?: ((requestsPerMinute: number) => KeyRequestRateStore) | undefined;
  /** Names the key of a request (by an opaque id, never the key). */
  readonly keys: ApiKeyCheck;
  readonly metrics: ServerMetrics;
}

/**
 * Per-key request rates: counts each generation request against its key's limit per minute before any
 * work, and answers 429 `key_rate_limited` with Retry-After (the seconds until the key's window resets)
 * once the window holds the limit. Without a limit configured, requests pass untouched.
 *
 * @throws StateStoreUnavailableError (rejects, answered 503 `state_store_unavailable`) when the shared
 * store cannot be reached.
 * @example
 * app.post(path, keyRequestRateLimit({ requestsPerMinute: 600, keys, metrics }), handler);
 */
export function keyRequestRateLimit(
  options: KeyRequestRateLimitOptions,
): MiddlewareHandler<{ Variables: { requestId: string } }> {
  const { requestsPerMinute, keys, metrics } = options;
  if (requestsPerMinute === undefined) return (_context, next) => next();
  const store =
    options.store?.(requestsPerMinute) ??
    memoryKeyRequestRateStore(requestsPerMinute, options.now ?? Date.now);
  return async (context, next) => {
    const answer = await store.admit(keys.keyId(requestCredential((name) => context.req.header(name))));
    if (!("retryAfterSeconds" in answer)) return next();
    metrics.rejected.inc({ reason: "key-rate" });
    const seconds = answer.retryAfterSeconds;
    return errorResponse(
      context,
      new ApiError(
        429,
        `this key reached its limit of ${requestsPerMinute} requests per minute; retry after ${seconds} s`,
        { code: "key_rate_limited", headers: { "retry-after": String(seconds) } },
      ),
    );
  };
}
