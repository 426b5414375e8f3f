import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});

describe("connectRedisServingState without a server", () => {
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
