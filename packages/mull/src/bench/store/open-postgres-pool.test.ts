import { EventEmitter } from "node:events";
import type { Pool, PoolClient } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, MullError } from "../../errors/index.ts";
import { rejection } from "../../runtime/rejection.test-support.ts";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import { inTransaction, openPostgresPool, withPoolClient } from "./open-postgres-pool.ts";
import { type SilentServer, startSilentServer } from "./silent-server.test-support.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

describe("openPostgresPool", () => {
  let silent: SilentServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => {
    await silent?.close();
  });

  it("gives up on a server that accepts and never answers after the connect timeout, password redacted", async () => {
    const url = `postgres://mull:s3cret-7@127.0.0.1:${silent.port}/runs`;
    const accepted = silent.accepted;
    const started = performance.now();
    const error = await rejection(openPostgresPool(url, { connectTimeoutMilliseconds: 200 }));
    const waited = performance.now() - started;
    expect(silent.accepted).toBe(accepted + 1);
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(3000);
    expect(MullError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(error)).toBe(false);
    expect((error as Error).message).toBe(
      `cannot connect to postgres://mull:***@127.0.0.1:${silent.port}/runs: no answer within 200 ms ` +
        "(connect_timeout=SECONDS in the URL waits longer, 0 as long as the operating system does)",
    );
  });

  it("waits the URL's connect_timeout rather than the option's", async () => {
    const url = `postgres://mull:s3cret-7@127.0.0.1:${silent.port}/runs?connect_timeout=1`;
    const started = performance.now();
    const error = await rejection(openPostgresPool(url, { connectTimeoutMilliseconds: 100 }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect((error as Error).message).toMatch(/: no answer within 1 s \(connect_timeout=SECONDS/);
  });

  it("says a refused connection in pg's words, at once", async () => {
    const started = performance.now();
    const error = await rejection(
      openPostgresPool("postgres://mull:s3cret-7@127.0.0.1:9/runs", { connectTimeoutMilliseconds: 5000 }),
    );
    expect(performance.now() - started).toBeLessThan(4000);
    expect((error as Error).message).toBe(
      "cannot connect to postgres://mull:***@127.0.0.1:9/runs: connect ECONNREFUSED 127.0.0.1:9",
    );
  });

  it("refuses a connect_timeout that is not whole seconds before connecting", async () => {
    const accepted = silent.accepted;
    const error = await rejection(
      openPostgresPool(`postgres://mull:s3cret-7@127.0.0.1:${silent.port}/runs?connect_timeout=soon`),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("connect_timeout");
    expect((error as Error).message).not.toContain("s3cret-7");
    expect(silent.accepted).toBe(accepted);
  });

  it("refuses a connect timeout option that is not whole milliseconds from 0 to a day", async () => {
    const error = await rejection(openPostgresPool("postgres://db/runs", { connectTimeoutMilliseconds: -1 }));
    expect((error as Error).message).toBe(
      "openPostgresPool: connectTimeoutMilliseconds must be an integer from 0 to 86400000, got -1",
    );
  });

  it.skipIf(postgres.url === undefined)(
    "does not limit a query's wait for a connection of a busy pool to the connect timeout",
    async () => {
      const pool = await openPostgresPool(postgres.url!, {
        maxConnections: 1,
        connectTimeoutMilliseconds: 500,
      });
      try {
        const held = await pool.connect();
        let waiting: Promise<PoolClient> | undefined;
        try {
          waiting = pool.connect();
          // Awaited below; observed now so that a rejection during the wait is not reported as unhandled.
          waiting.catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 1200));
        } finally {
          held.release();
        }
        const second = await waiting;
        const { rows } = await second.query("SELECT 1::bigint AS one");
        second.release();
        expect(rows).toEqual([{ one: 1 }]);
      } finally {
        await pool.end();
      }
    },
  );
});

/** A pool of one fake connection whose server drops it during the first query, as a restart does. */
function droppingPool() {
  const dropped = Object.assign(new Error("terminating connection due to administrator command"), {
    code: "57P01",
  });
  const released: (Error | boolean | undefined)[] = [];
  const client = Object.assign(new EventEmitter(), {
    query: (text: string) =>
      new Promise((_, reject) => {
        // pg fails the query under way and emits `error` on the client, a tick apart.
        setImmediate(() => {
          reject(text === "BEGIN" ? dropped : new Error("Client was closed and is not queryable"));
          client.emit("error", dropped);
        });
      }),
    release: (error?: Error | boolean) => released.push(error),
  });
  const pool = { connect: async () => client } as unknown as Pool;
  return { pool, client, released, dropped };
}

describe("withPoolClient", () => {
  it("fails the work, not the process, when the server drops the connection, and discards it", async () => {
    const { pool, client, released, dropped } = droppingPool();
    const error = await rejection(withPoolClient(pool, (checkedOut) => checkedOut.query("BEGIN")));
    expect(error).toBe(dropped);
    // Without a listener the `error` event above would have thrown out of the event loop.
    expect(client.listenerCount("error")).toBe(0);
    expect(released).toEqual([dropped]);
  });

  it("releases a healthy connection to be lent again", async () => {
    const released: unknown[] = [];
    const client = Object.assign(new EventEmitter(), { release: (error?: Error) => released.push(error) });
    const pool = { connect: async () => client } as unknown as Pool;
    expect(await withPoolClient(pool, async () => 7)).toBe(7);
    expect(released).toEqual([undefined]);
    expect(client.listenerCount("error")).toBe(0);
  });

  it("inTransaction discards a connection whose ROLLBACK failed", async () => {
    const { pool, released, dropped } = droppingPool();
    const error = await rejection(inTransaction(pool, async () => 1));
    expect(error).toBe(dropped);
    expect(released).toHaveLength(1);
    expect(released[0]).toBeInstanceOf(Error);
  });

  it.skipIf(postgres.url === undefined)(
    "survives its connection being terminated mid-transaction, and the pool goes on",
    async () => {
      const pool = await openPostgresPool(postgres.url!, { maxConnections: 2 });
      try {
        const error = await rejection(
          inTransaction(pool, async (client) => {
            const { rows } = await client.query("SELECT pg_backend_pid() AS pid");
            const killer = await pool.connect();
            try {
              await killer.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
            } finally {
              killer.release();
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
            await client.query("SELECT 1");
          }),
        );
        expect((error as Error).message).toMatch(/terminat|not queryable/);
        const { rows } = await pool.query("SELECT 2::bigint AS two");
        expect(rows).toEqual([{ two: 2 }]);
        expect(pool.totalCount).toBeLessThanOrEqual(2);
      } finally {
        await pool.end();
      }
    },
  );
});
