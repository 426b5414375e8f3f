/**
 * Milliseconds a server asked the client to wait: `retry-after-ms` (milliseconds) wins over `retry-after`
 * (seconds, or an HTTP date compared with `now`). `undefined` when neither header is present or valid.
 */
export function retryAfterMilliseconds(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = headers.get("retry-after-ms");
  if (milliseconds !== null) {
    const value = Number(milliseconds);
    if (milliseconds.trim() !== "" && Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get("retry-after");
  if (after === null || after.trim() === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
