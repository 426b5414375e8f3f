import { openPostgresPool } from "../bench/store/index.ts";
import { ConfigError, MullError } from "../errors/index.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Whether PostgreSQL refused what the URL says rather than could not be reached: a wrong user or password
 * (SQLSTATE class 28, invalid authorization) or a database that does not exist (3D000).
 */
function refusedByServer(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && (code.startsWith("28") || code === "3D000");
}

/**
 * Connects once to the PostgreSQL store a flag names and disconnects, before any work (a dataset, a model,
 * a run): a store mull cannot use is said at once, in one line that names the flag and the URL with its
 * password redacted, with the server's reason. A server that does not answer is given up after the URL's
 * `connect_timeout` seconds, 10 s without one (`openPostgresPool`).
 *
 * @throws UsageError (exit 2) naming `field` when the server refuses the URL's credentials or database
 *   (`--store: cannot connect to postgres://mull:***@db:5432/runs: password authentication failed for
 *   user "mull"`) or the URL's `connect_timeout` is not whole seconds; MullError (exit 1) naming `field`
 *   when the server cannot be reached (`connect ECONNREFUSED …`), does not answer in time (`no answer
 *   within 10 s …`), or `pg` is not installed.
 * @example
 * if (flags.store !== undefined) await checkStoreReachable(flags.store, "--store");
 */
export async function checkStoreReachable(url: string, field: string): Promise<void> {
  let pool: Awaited<ReturnType<typeof openPostgresPool>>;
  try {
    pool = await openPostgresPool(url, { maxConnections: 1 });
  } catch (error) {
    if (!MullError.isInstance(error)) throw error;
    const message = `${field}: ${error.message}`;
    if (ConfigError.isInstance(error) || refusedByServer(error.cause)) {
      throw new UsageError(message, field, { cause: error });
    }
    throw new MullError(message, { cause: error });
  }
  await pool.end();
}
