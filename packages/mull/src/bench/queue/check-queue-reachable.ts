import { Redis } from "ioredis";
import { ConfigError, MullError } from "../../errors/index.ts";
import { checkInteger } from "../../runtime/index.ts";
import { redactUrl } from "../store/index.ts";

/** How long `checkQueueReachable` waits for Redis to answer by default. */
export const defaultReachMilliseconds = 5000;

/** Options of `checkQueueReachable`. */
export interface QueueReachOptions {
  /** The flag the URL came from, named in the error; default `--queue`. */
  readonly field?: string | undefined;
  /** How long to wait for the connection and a PING's answer; default 5000 ms. */
  readonly timeoutMilliseconds?: number | undefined;
}

/**
 * Connects once to the Redis server of a queue and sends a PING, without retrying: a queue that cannot be
 * reached fails here, at once and in one line, instead of BullMQ retrying for ever. Meant for whoever
 * enqueues (`mull bench --queue`); workers keep reconnecting instead.
 *
 * @throws ConfigError (bad usage: the flag's credentials) when Redis refuses the login (`WRONGPASS …`,
 *   `NOAUTH …`); MullError otherwise (`connect ECONNREFUSED 127.0.0.1:6399`, no answer within the
 *   timeout). Both name the field and the URL with its password redacted, with the reason.
 * @example
 * await checkQueueReachable("redis://127.0.0.1:6379"); // resolves when Redis answers
 */
export async function checkQueueReachable(url: string, options: QueueReachOptions = {}): Promise<void> {
  const field = options.field ?? "--queue";
  const timeout = checkInteger(
    "checkQueueReachable",
    "timeoutMilliseconds",
    options.timeoutMilliseconds ?? defaultReachMilliseconds,
    { minimum: 1, maximum: 600_000 },
  );
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeout,
    maxRetriesPerRequest: 0,
    // One try: no reconnection.
    retryStrategy: () => null,
  });
  // The `error` events carry the reason (connect() itself only says the connection closed).
  let reason: string | undefined;
  client.on("error", (error: Error) => {
    reason ??= error.message;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
  });
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      deadline,
    ]);
  } catch (error) {
    const detail = reason ?? (error instanceof Error ? error.message : String(error));
    const shown = redactUrl(url);
    const message = `${field}: cannot connect to ${shown}: ${detail.replaceAll(url, shown)}`;
    if (isLoginRefusal(detail)) throw new ConfigError(message, { field, cause: error });
    throw new MullError(message, { cause: error });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/**
 * Whether Redis's answer refuses the login: a wrong user or password (`WRONGPASS`), none given where one
 * is needed (`NOAUTH`), or one given where none is configured (`ERR AUTH … without any password`).
 */
export function isLoginRefusal(reason: string): boolean {
  return /^(WRONGPASS|NOAUTH)\b|^ERR AUTH\b|without any password configured/.test(reason);
}
