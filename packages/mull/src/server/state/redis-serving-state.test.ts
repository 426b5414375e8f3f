import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import {
  type DedicatedRedis,
  dedicatedRedisMissing,
  startDedicatedRedis,
} from "./dedicated-redis.test-support.ts";
import { connectRedisServingState } from "./redis-serving-state.ts";

// A failed start names its real cause (a refused password, a refused connection), never the password:
// ioredis itself only says "Connection is closed.".

const missing = dedicatedRedisMissing();
if (missing !== undefined) console.log(missing);

const password = "s3cret-pass";

/** The message `connectRedisServingState` rejects with for `url`. */
async function startFailure(url: string): Promise<string> {
  try {
    const state = await connectRedisServingState({ url, commandTimeoutMilliseconds: 1_000 });
    await state.close();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error(`connecting to ${url} succeeded`);
}

describe.skipIf(missing !== undefined)("connectRedisServingState at start-up", () => {
  let store: DedicatedRedis;
  beforeAll(async () => {
    store = await startDedicatedRedis({ password });
  });
  afterAll(() => store?.stop());

  const withPassword = (given: string) => store.url.replace("redis://", `redis://:${given}@`);

  it("says the password was refused, without the password", async () => {
    const message = await startFailure(withPassword("wrong-pass"));
    expect(message).toBe(
      `cannot reach the serving state store ${store.url}: WRONGPASS invalid username-password pair or user is disabled.`,
    );
    expect(message).not.toContain("wrong-pass");
  });

  it("says a password is needed when the URL gives none", async () => {
    expect(await startFailure(store.url)).toMatch(/^cannot reach the serving state store .*: NOAUTH /);
  });

  it("connects with the right password", async () => {
    const state = await connectRedisServingState({ url: withPassword(password) });
    expect(state.location).toBe(store.url);
    await state.close();
  });

  it("refuses a database Redis cannot select, naming --state and server.state.url, without the password", async () => {
    // Redis answers once the connection is up, in database 0: only an `error` event tells.
    const error = await connectRedisServingState({
      url: `${withPassword(password)}/99`,
      commandTimeoutMilliseconds: 1_000,
    }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("server.state.url");
    expect((error as Error).message).toBe(
      `cannot select the database of the serving state store ${store.url}/99 ` +
        "(--state, or server.state.url in the config file): ERR DB index is out of range " +
        "(expected a database number below the server's database count, the `databases` setting of its " +
        "configuration: 16 by default)",
    );
    expect((error as Error).message).not.toContain(password);
  });

  it("keeps the state in the database the URL selects", async () => {
    const state = await connectRedisServingState({ url: `${withPassword(password)}/3`, prefix: "database:" });
    try {
      await state.keyBudget(1_000).reserve("key-a", 10);
    } finally {
      await state.close();
    }
    const inspect = new Redis(`${withPassword(password)}/3`);
    try {
      expect(await inspect.keys("database:*")).not.toEqual([]);
      expect(await inspect.select(0)).toBe("OK");
      expect(await inspect.keys("database:*")).toEqual([]);
    } finally {
      inspect.disconnect();
    }
  });
});

describe("connectRedisServingState without a server", () => {
  it("refuses a database that is not a whole number before connecting", async () => {
    // Nothing listens on port 1: a start that connected first would say so instead.
    const error = await connectRedisServingState({ url: "redis://:hidden-pass@127.0.0.1:1/abc" }).catch(
      (caught: unknown) => caught,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      "serving state store redis://127.0.0.1:1/abc (--state, or server.state.url in the config file): " +
        'expected a database number as the URL\'s path, e.g. /0, got "/abc"',
    );
  });

  it("says the connection was refused", async () => {
    // A port just freed: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const message = await startFailure(`redis://:hidden-pass@127.0.0.1:${port}`);
    expect(message).toBe(
      `cannot reach the serving state store redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
