import { checkInteger, numericFlag } from "../../runtime/index.ts";
import { redactUrl } from "./run-location.ts";

/** How long a connection to a PostgreSQL store may take to open when its URL does not say: 10 s. */
export const defaultConnectTimeoutMilliseconds = 10_000;

/** The longest `connect_timeout` taken, in seconds (a day); 0 waits without a limit. */
const longestConnectTimeoutSeconds = 86_400;

/**
 * How long a connection to the PostgreSQL store at `url` may take to open, in milliseconds (0: no
 * limit): the URL's `connect_timeout` parameter, in whole seconds as libpq reads it (`?connect_timeout=30`;
 * 0 waits as long as the operating system does), else `fallback`. `pg` reads that parameter only with its
 * native bindings, so mull reads it itself.
 *
 * @throws ConfigError naming `connect_timeout` and the redacted URL when the parameter is not a whole
 *   number of seconds from 0 to 86400.
 * @example
 * postgresConnectTimeoutMilliseconds("postgres://mull@db/runs?connect_timeout=30", 10_000); // 30000
 * postgresConnectTimeoutMilliseconds("postgres://mull@db/runs", 10_000); // 10000
 */
export function postgresConnectTimeoutMilliseconds(url: string, fallback: number): number {
  let text: string | null;
  try {
    text = new URL(url).searchParams.get("connect_timeout");
  } catch {
    // Not a URL: pg says so when it connects.
    text = null;
  }
  if (text === null) return fallback;
  const seconds = checkInteger(redactUrl(url), "connect_timeout", numericFlag(text), {
    minimum: 0,
    maximum: longestConnectTimeoutSeconds,
    expected: `whole seconds from 0 (no limit) to ${longestConnectTimeoutSeconds}`,
  });
  return seconds * 1000;
}

/**
 * A connect timeout for messages: `10 s`, or `250 ms` below a second or off whole seconds.
 *
 * @example
 * describeConnectTimeout(10_000); // "10 s"
 */
export function describeConnectTimeout(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${milliseconds} ms`;
}
