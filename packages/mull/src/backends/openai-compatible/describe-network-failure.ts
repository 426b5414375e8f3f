/** An error's message with its system code (`ECONNREFUSED`, `ENOTFOUND`, …) where it has one and does not say it already. */
function withCode(error: Error): string {
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code !== "string") return error.message;
  if (error.message === "") return code;
  return error.message.includes(code) ? error.message : `${error.message} (${code})`;
}

/**
 * What went wrong under an error that `fetch` or a body read threw: its cause (Node's `fetch` throws a
 * bare "fetch failed" whose cause is the socket's error, an `AggregateError` with an empty message when
 * every address of a host refused), with the system code, else the error itself.
 *
 * @example
 * describeNetworkFailure(await fetch("http://127.0.0.1:9/v1/models").catch((error) => error));
 * // "connect ECONNREFUSED 127.0.0.1:9"
 */
export function describeNetworkFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? withCode(error.cause) : withCode(error);
}
