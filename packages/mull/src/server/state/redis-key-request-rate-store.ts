import type { KeyRequestRateStore } from "../middleware/index.ts";
import { reserveInFixedWindowScript } from "./redis-fixed-window.ts";
import type { RunRedisScript } from "./redis-script.ts";

/** Options of `redisKeyRequestRateStore`. */
export interface RedisKeyRequestRateStoreOptions {
  readonly run: RunRedisScript;
  /** Prefix of every key, e.g. `mull:`. */
  readonly prefix: string;
  readonly requestsPerMinute: number;
  /** Wall clock in milliseconds (windows are compared across replicas). */
  readonly now: () => number;
}

/**
 * Per-key request rates in Redis, shared by every replica that uses the same Redis and prefix: each
 * request is counted and checked against the limit by one Lua script (`reserveInFixedWindowScript`, the
 * token budget's windows), so requests at once on several replicas can never together pass it. A
 * window's key (`<prefix>rate:<key id>`) expires two windows after it started.
 *
 * @example
 * const store = redisKeyRequestRateStore({ run, prefix: "mull:", requestsPerMinute: 600, now: Date.now });
 * const answer = await store.admit(keyId);
 */
export function redisKeyRequestRateStore(options: RedisKeyRequestRateStoreOptions): KeyRequestRateStore {
  const { run, prefix, requestsPerMinute, now } = options;
  const windowMilliseconds = 60_000;
  return {
    async admit(key) {
      const reply = (await run(
        reserveInFixedWindowScript,
        [`${prefix}rate:${key}`],
        [now(), 1, requestsPerMinute, windowMilliseconds],
      )) as [number, number | string];
      return reply[0] === 0 ? { retryAfterSeconds: Number(reply[1]) } : { admitted: true };
    },
  };
}
