/**
 * Whether a response is a redirect the backend did not follow: a 3xx status (its requests ask `fetch` for
 * `redirect: "manual"`), or the opaque redirect a `fetch` that keeps to the browser's rules gives instead.
 */
export function isRedirect(response: Response): boolean {
  return response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400);
}

/**
 * Where a redirect pointed, by origin only (scheme, host and port: never its credentials, path or query,
 * which may carry a key), for the message that refuses it: `to http://10.0.0.5:8000`, `to an unreadable
 * Location`, or `without a Location`.
 *
 * @example
 * redirectTarget(response, "http://127.0.0.1:8000/v1/chat/completions"); // "to http://127.0.0.1:8001"
 */
export function redirectTarget(response: Response, url: string): string {
  const location = response.headers.get("location");
  if (location === null || location === "") return "without a Location";
  try {
    return `to ${new URL(location, url).origin}`;
  } catch {
    return "to an unreadable Location";
  }
}
