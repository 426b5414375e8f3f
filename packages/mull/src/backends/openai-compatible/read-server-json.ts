/** Options of `readServerJson`. */
export interface ReadServerJsonOptions {
  /** The server's OpenAI-compatible base URL without a query, e.g. `http://localhost:8080/v1`. */
  readonly requestBase: string;
  /** The headers every request carries (authorization among them). */
  readonly headers: Readonly<Record<string, string>>;
  /** The `fetch` to call; default the global one. */
  readonly fetch?: typeof fetch | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Deadline of the request, body included; none by default. */
  readonly timeoutMilliseconds?: number | undefined;
}

/**
 * The server's root: llama.cpp and vLLM serve `/props`, `/version` and `/tokenize` beside `/v1`, not
 * under it.
 *
 * @example
 * serverRoot("http://127.0.0.1:8080/v1"); // "http://127.0.0.1:8080"
 */
export function serverRoot(requestBase: string): string {
  return requestBase.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/**
 * `GET <server root><path>` as JSON, for the routes a server describes itself on (llama.cpp's `/props`,
 * vLLM's `/version`). An error status, a body that is not JSON, an unreachable server or one slower than
 * `timeoutMilliseconds` give `undefined`: such a route is optional, and nothing was learnt.
 *
 * @throws the abort reason when `signal` aborts (the caller stopped asking, which is not "no answer").
 * @example
 * const props = await readServerJson("/props", { requestBase: "http://127.0.0.1:8080/v1", headers: {} });
 */
export async function readServerJson(path: string, options: ReadServerJsonOptions): Promise<unknown> {
  const signals = [
    ...(options.signal === undefined ? [] : [options.signal]),
    ...(options.timeoutMilliseconds === undefined ? [] : [AbortSignal.timeout(options.timeoutMilliseconds)]),
  ];
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
  try {
    const response = await (options.fetch ?? fetch)(`${serverRoot(options.requestBase)}${path}`, {
      headers: options.headers,
      ...(signal === undefined ? {} : { signal }),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    return (await response.json()) as unknown;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return undefined;
  }
}
