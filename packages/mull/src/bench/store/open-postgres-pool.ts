import type { ClientConfig, Pool, PoolClient, PoolConfig } from "pg";
import { MullError } from "../../errors/index.ts";
import { checkInteger } from "../../runtime/index.ts";
import {
  defaultConnectTimeoutMilliseconds,
  describeConnectTimeout,
  postgresConnectTimeoutMilliseconds,
} from "./postgres-connect-timeout.ts";
import { redactUrl } from "./run-location.ts";

const bigintOid = 20;

/** What `openPostgresPool` takes besides the URL. */
export interface PostgresPoolOptions {
  /** Connections the pool holds at most; default 4. */
  readonly maxConnections?: number | undefined;
  /**
   * How long opening a connection may take, in milliseconds, when the URL has no `connect_timeout`;
   * 0 waits as long as the operating system does. Default 10 000.
   */
  readonly connectTimeoutMilliseconds?: number | undefined;
}

/**
 * Opens a `pg` pool on a store URL: BIGINT columns come back as numbers (the store's counts and seeds
 * stay below 2^53), and a connection is tried at once so that a wrong URL fails here, with the password
 * redacted. Each connection must open within the URL's `connect_timeout` (whole seconds, as libpq reads
 * it) or else `connectTimeoutMilliseconds` (10 s), so that a host that never answers (a dropped route, a
 * port that accepts and stays silent) fails in that time rather than the operating system's minutes; a
 * query waiting for a free connection of a busy pool is not limited. `pg` is loaded on demand: a dependency
 * of `@mull/cli`, not of mull, needed only for PostgreSQL.
 *
 * @throws ConfigError naming `connect_timeout` when the URL's is not whole seconds from 0 to 86400, or
 *   `maxConnections` when it is not an integer from 1 to 1000; MullError naming the redacted URL when `pg`
 *   is missing, the server cannot be reached or does not answer within the timeout
 *   (`cannot connect to postgres://mull:***@db:5432/runs: no answer within 10 s (…)`), or refuses the login
 *   (the `pg` error, with its SQLSTATE `code`, is the cause).
 */
export async function openPostgresPool(url: string, options: PostgresPoolOptions = {}): Promise<Pool> {
  const max = checkInteger("openRunStore", "maxConnections", options.maxConnections ?? 4, {
    minimum: 1,
    maximum: 1000,
  });
  const connectTimeout = postgresConnectTimeoutMilliseconds(
    url,
    checkInteger(
      "openPostgresPool",
      "connectTimeoutMilliseconds",
      options.connectTimeoutMilliseconds ?? defaultConnectTimeoutMilliseconds,
      { minimum: 0, maximum: 86_400_000 },
    ),
  );
  let pg: Awaited<typeof import("pg")>["default"];
  try {
    pg = (await import("pg")).default;
  } catch (error) {
    throw new MullError("a PostgreSQL store needs the optional dependency pg (npm install pg)", {
      cause: error,
    });
  }
  // The timeout is the client's (opening a connection) and not the pool's, which would also fail a query
  // that waits longer than that for a connection that other queries hold.
  class TimedClient extends pg.Client {
    constructor(config?: string | ClientConfig) {
      super({
        ...(typeof config === "string" ? { connectionString: config } : config),
        connectionTimeoutMillis: connectTimeout,
      });
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max,
    Client: TimedClient as unknown as PoolConfig["Client"],
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === bigintOid && format !== "binary"
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection dropped by the server is discarded by the pool; the next query reports it.
  pool.on("error", () => undefined);
  let client: PoolClient;
  const started = performance.now();
  try {
    client = await pool.connect();
  } catch (error) {
    await pool.end().catch(() => undefined);
    // Told by the time taken, pg's own words for it being "timeout expired" or "Connection terminated
    // unexpectedly"; a Node timer may fire up to a millisecond early.
    const timedOut = connectTimeout > 0 && performance.now() - started >= connectTimeout - 1;
    const detail = timedOut
      ? `no answer within ${describeConnectTimeout(connectTimeout)} (connect_timeout=SECONDS in the URL ` +
        "waits longer, 0 as long as the operating system does)"
      : error instanceof Error
        ? error.message
        : String(error);
    throw new MullError(`cannot connect to ${redactUrl(url)}: ${detail.replaceAll(url, redactUrl(url))}`, {
      cause: error,
    });
  }
  client.release();
  return pool;
}

/**
 * Runs `work` on one connection of the pool, checked out for it. While it is out the connection has an
 * `error` listener (the pool's own is only on idle ones): a connection the server drops (a restart,
 * `terminating connection due to administrator command`) fails the query under way rather than the
 * process with an unhandled `error` event. A connection that failed so, or that `work` calls `discard` on
 * (its state unknown), is released with the error, so the pool closes it instead of lending it again.
 *
 * @example
 * const found = await withPoolClient(pool, (client) => client.query("SELECT 1"));
 */
export async function withPoolClient<T>(
  pool: Pool,
  work: (client: PoolClient, discard: (reason: Error) => void) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const discard = (reason: Error) => {
    broken ??= reason;
  };
  client.on("error", discard);
  try {
    return await work(client, discard);
  } finally {
    client.removeListener("error", discard);
    client.release(broken);
  }
}

/**
 * Runs `work` in one transaction on one connection of the pool (`withPoolClient`): COMMIT when it
 * resolves, else ROLLBACK; a connection whose ROLLBACK fails is closed rather than lent again.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  begin = "BEGIN",
): Promise<T> {
  return withPoolClient(pool, async (client, discard) => {
    await client.query(begin);
    try {
      const value = await work(client);
      await client.query("COMMIT");
      return value;
    } catch (error) {
      await client.query("ROLLBACK").catch((reason: unknown) => {
        discard(reason instanceof Error ? reason : new Error(String(reason)));
      });
      throw error;
    }
  });
}
