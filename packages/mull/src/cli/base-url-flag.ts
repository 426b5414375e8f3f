import { UsageError } from "./usage-error.ts";

/**
 * A URL flag's value as messages show it: without `user:password@` and without the query, whether or not
 * the text parses as a URL.
 *
 * @example
 * withoutUrlSecrets("redis://:hunter2@10.0.0.5:6379?x=1"); // "redis://10.0.0.5:6379"
 */
export function withoutUrlSecrets(text: string): string {
  return text.replace(/\/\/[^/@?#]*@/, "//").replace(/[?#].*$/, "");
}

/**
 * Refuses a server URL flag that is not an absolute `http:` or `https:` URL, in one line naming the flag
 * and the value (without credentials or query), before anything is sent: `mull solve`, `bench`, `tune`
 * and `serve` check `--base-url` first, so a mistyped URL is bad usage (exit 2), not a failed request.
 *
 * @throws UsageError naming `flag`.
 * @example
 * checkBaseUrlFlag("localhost:8000/v1"); // throws: --base-url "localhost:8000/v1": expected an absolute http(s) URL …
 */
export function checkBaseUrlFlag(text: string, flag = "--base-url"): URL {
  let url: URL | undefined;
  let cause: unknown;
  try {
    url = new URL(text);
  } catch (error) {
    cause = error;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(
      `${flag} ${JSON.stringify(withoutUrlSecrets(text))}: expected an absolute http(s) URL such as http://localhost:8000/v1`,
      flag,
      { cause },
    );
  }
  return url;
}
