import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll } from "vitest";

/**
 * A key prefix no other test (or engineer) uses, and what deletes its keys afterwards: tests share one
 * Redis and never flush it.
 */
export function redisTestPrefix(url: string, name: string): { prefix: string; clean(): Promise<void> } {
  const prefix = `mull-test:${name}:${randomUUID()}:`;
  return {
    prefix,
    async clean() {
      const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== "0");
      } finally {
        redis.disconnect();
      }
    },
  };
}

/**
 * Makes unique key prefixes (`redisTestPrefix`) for the tests of one file or `describe` block, and
 * deletes all their keys after those tests (`afterAll`).
 * @example
 * const scope = redisTestPrefixes(redis.url);
 * const state = { url: redis.url, prefix: scope("race") };
 */
export function redisTestPrefixes(url: string): (name: string) => string {
  const made: ReturnType<typeof redisTestPrefix>[] = [];
  afterAll(async () => {
    await Promise.all(made.splice(0).map((prefix) => prefix.clean()));
  });
  return (name) => {
    const prefix = redisTestPrefix(url, name);
    made.push(prefix);
    return prefix.prefix;
  };
}
