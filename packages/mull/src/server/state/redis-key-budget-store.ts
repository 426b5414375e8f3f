import type { KeyBudgetStore } from "../middleware/index.ts";
import { reserveInFixedWindowScript } from "./redis-fixed-window.ts";
import type { RedisScript, RunRedisScript } from "./redis-script.ts";

/**
 * Settles a reservation, only while its window still runs: gives back its unused tokens, or, when they
 * are negative (the request used more than it reserved), charges the excess; the window never counts
 * below 0. KEYS[1] the key's window; ARGV the reservation's window start, the unused tokens.
 */
const settleScript: RedisScript = {
  name: "mullSettleKeyTokens",
  keys: 1,
  lua: `
local start = redis.call('HGET', KEYS[1], 'start')
if start ~= ARGV[1] then return 0 end
local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved')) or 0
redis.call('HSET', KEYS[1], 'reserved', math.max(0, reserved - tonumber(ARGV[2])))
return 1
`,
};

/** Options of `redisKeyBudgetStore`. */
export interface RedisKeyBudgetStoreOptions {
  readonly run: RunRedisScript;
  /** Prefix of every key, e.g. `mull:`. */
  readonly prefix: string;
  readonly tokensPerMinute: number;
  /** Wall clock in milliseconds (windows are compared across replicas). */
  readonly now: () => number;
}

/**
 * Per-key token budgets in Redis, shared by every replica that uses the same Redis and prefix: a
 * reservation is checked and made by one Lua script (so eight requests at once on two replicas can
 * never together pass the budget), with the windows and settlement of the in-memory budget (the unused
 * part given back, tokens used beyond the reservation charged). A window's key (`<prefix>budget:<key id>`)
 * expires two windows after it started.
 *
 * @example
 * const store = redisKeyBudgetStore({ run, prefix: "mull:", tokensPerMinute: 100_000, now: Date.now });
 * const answer = await store.reserve(keyId, 8 * (200 + 512));
 */
export function redisKeyBudgetStore(options: RedisKeyBudgetStoreOptions): KeyBudgetStore {
  const { run, prefix, tokensPerMinute, now } = options;
  const windowMilliseconds = 60_000;
  return {
    async reserve(key, tokens) {
      const redisKey = `${prefix}budget:${key}`;
      const reply = (await run(
        reserveInFixedWindowScript,
        [redisKey],
        [now(), tokens, tokensPerMinute, windowMilliseconds],
      )) as [number, number | string, number?];
      if (reply[0] === 0) {
        return { retryAfterSeconds: Number(reply[1]), remainingTokens: Number(reply[2] ?? 0) };
      }
      const windowStart = String(reply[1]);
      let settled = false;
      return {
        async settle(used) {
          if (settled || used === undefined) return;
          settled = true;
          // Negative when the request used more than it reserved: the script charges the excess.
          const unused = tokens - used;
          if (unused === 0) return;
          try {
            await run(settleScript, [redisKey], [windowStart, unused]);
          } catch {
            // Tokens not given back stay reserved until the window ends: the safe side of a budget. An
            // excess not charged is lost with the outage, as a reservation Redis never got would be.
          }
        },
      };
    },
  };
}
