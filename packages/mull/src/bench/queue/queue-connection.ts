import { ConfigError } from "../../errors/index.ts";
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
 * The BullMQ connection for a `redis://` or `rediss://` URL (`--queue redis://HOST:PORT`).
 *
 * @throws ConfigError naming the field when the URL is not a Redis URL (its password redacted).
 * @example
 * const queue = new Queue("mull-bench", { connection: queueConnection("redis://127.0.0.1:6379") });
 */
export function queueConnection(url: string, field = "--queue"): QueueConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${field}: expected a Redis URL such as redis://127.0.0.1:6379, got ${url}`, {
      field,
    });
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ConfigError(`${field}: expected a redis:// or rediss:// URL, got ${redactUrl(url)}`, { field });
  }
  return { url, maxRetriesPerRequest: null };
}
