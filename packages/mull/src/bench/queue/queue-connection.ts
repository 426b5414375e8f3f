import { ConfigError } from "../../errors/index.ts";
import { redisDatabaseProblem } from "../../runtime/index.ts";
import { redactUrl } from "../store/index.ts";

/**
 * How BullMQ reaches Redis: the URL, and no per-command retry limit (workers block on Redis), so commands
 * wait while Redis is down; whoever must fail fast checks first with `checkQueueReachable`.
 */
export interface QueueConnection {
  readonly url: string;
  /** BullMQ's workers need `null`: a blocking command must not fail after a fixed number of retries. */
  readonly maxRetriesPerRequest: null;
}

/**
 * The BullMQ connection for a `redis://` or `rediss://` URL (`--queue redis://HOST:PORT[/DB]`).
 *
 * @throws ConfigError naming the field when the URL is not a Redis URL, or when its database (path or
 *   `db` parameter) is not a whole number; the URL is shown with its password redacted (`<unparsable URL>`
 *   when it does not parse, as it may hold a password anywhere).
 * @example
 * const queue = new Queue("mull-bench", { connection: queueConnection("redis://127.0.0.1:6379") });
 */
export function queueConnection(url: string, field = "--queue"): QueueConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      `${field}: expected a Redis URL such as redis://127.0.0.1:6379, got ${redactUrl(url)}`,
      {
        field,
      },
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ConfigError(`${field}: expected a redis:// or rediss:// URL, got ${redactUrl(url)}`, { field });
  }
  const database = redisDatabaseProblem(parsed);
  if (database !== undefined) throw new ConfigError(`${field}: ${redactUrl(url)}: ${database}`, { field });
  return { url, maxRetriesPerRequest: null };
}
