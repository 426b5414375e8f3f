import type { Pool, PoolClient } from "pg";
import { MullError } from "../../errors/index.ts";
import { checkInteger } from "../../runtime/index.ts";
import { redactUrl } from "./run-location.ts";

const bigintOid = 20;

/**
 * Opens a `pg` pool on a store URL: BIGINT columns come back as numbers (the store's counts and seeds
 * stay below 2^53), and a connection is tried at once so that a wrong URL fails here, with the password
 * redacted. `pg` is loaded on demand: it is an optional peer dependency, needed only for PostgreSQL.
 *
 * @throws MullError naming the redacted URL when `pg` is missing or the server cannot be reached.
 */
export async function openPostgresPool(
  url: string,
  options: { readonly maxConnections?: number | undefined } = {},
): Promise<Pool> {
  let pg: Awaited<typeof import("pg")>["default"];
  try {
    pg = (await import("pg")).default;
  } catch (error) {
    throw new MullError("a PostgreSQL store needs the optional dependency pg (npm install pg)", {
      cause: error,
    });
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: checkInteger("openRunStore", "maxConnections", options.maxConnections ?? 4, {
      minimum: 1,
      maximum: 1000,
    }),
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
  try {
    client = await pool.connect();
  } catch (error) {
    await pool.end().catch(() => undefined);
    const detail = error instanceof Error ? error.message : String(error);
    throw new MullError(`cannot connect to ${redactUrl(url)}: ${detail.replaceAll(url, redactUrl(url))}`, {
      cause: error,
    });
  }
  client.release();
  return pool;
}

/** Runs `work` in one transaction on one connection of the pool: COMMIT when it resolves, else ROLLBACK. */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  begin = "BEGIN",
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    try {
      const value = await work(client);
      await client.query("COMMIT");
      return value;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}
