import type { Redis } from "ioredis";
import { StateStoreUnavailableError } from "./state-store-unavailable-error.ts";

/** A Lua script run atomically by Redis: no other client's command runs between its reads and writes. */
export interface RedisScript {
  /** Name of the command it is defined as (`defineCommand`), unique per client. */
  readonly name: string;
  readonly lua: string;
  /** How many of its arguments are keys (they come first). */
  readonly keys: number;
}

/** Runs a script with its keys and arguments; rejects with `StateStoreUnavailableError` when Redis cannot answer. */
export type RunRedisScript = (
  script: RedisScript,
  keys: readonly string[],
  values: readonly (string | number)[],
) => Promise<unknown>;

/** Replies that mean the server cannot serve now, rather than that the script is wrong. */
const unavailableReply = /^(LOADING|READONLY|MASTERDOWN|BUSY|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b/;

/**
 * The script runner of one Redis client: each script is defined once (`defineCommand`, which sends its
 * SHA and loads the script on NOSCRIPT), and every failure to reach Redis (refused, closed, timed out,
 * loading) becomes a `StateStoreUnavailableError` naming the store; an error the script itself raised
 * stays as it is.
 *
 * @example
 * const run = redisScriptRunner(redis, "redis://127.0.0.1:6379");
 * const reply = await run(reserveScript, ["mull:budget:k1"], [Date.now(), 1_000, 5_000, 60_000]);
 */
export function redisScriptRunner(redis: Redis, location: string): RunRedisScript {
  const defined = new Set<string>();
  return async (script, keys, values) => {
    if (!defined.has(script.name)) {
      redis.defineCommand(script.name, { lua: script.lua, numberOfKeys: script.keys });
      defined.add(script.name);
    }
    const command = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[
      script.name
    ] as (...args: (string | number)[]) => Promise<unknown>;
    try {
      return await command.call(redis, ...keys, ...values);
    } catch (error) {
      const reply = error instanceof Error && error.name === "ReplyError";
      if (reply && !unavailableReply.test(error.message)) throw error;
      throw new StateStoreUnavailableError(location, { cause: error });
    }
  };
}
