import { isRetryableStatus } from "../../errors/index.ts";
import { describeNetworkFailure } from "./describe-network-failure.ts";

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
 * What a route a server describes itself on said: `body`, its JSON, or `undefined` where the server
 * answered without it (a status that says the route is not there, such as 404, or a body that is not
 * JSON), which a later request would say again; or `unanswered`, what kept the answer from coming (an
 * unreachable server, one slower than the deadline, or a status that says "not now": 408, 409, 429 or a
 * 5xx, as a server that is still loading its model answers), after which a later request may tell more.
 */
export type ServerJsonAnswer =
  | { readonly body: unknown; readonly unanswered?: undefined }
  | { readonly body?: undefined; readonly unanswered: string };

/**
 * `GET <server root><path>` as JSON, for the routes a server describes itself on (llama.cpp's `/props`,
 * vLLM's `/version`), telling an answer without JSON from no answer at all (`ServerJsonAnswer`).
 *
 * @throws the abort reason when `signal` aborts (the caller stopped asking, which is not "no answer").
 * @example
 * const props = await askServerJson("/props", { requestBase: "http://127.0.0.1:8080/v1", headers: {}, timeoutMilliseconds: 2000 });
 * props.unanswered; // "GET http://127.0.0.1:8080/props: connect ECONNREFUSED 127.0.0.1:8080" while it is down
 */
export async function askServerJson(path: string, options: ReadServerJsonOptions): Promise<ServerJsonAnswer> {
  const signals = [
    ...(options.signal === undefined ? [] : [options.signal]),
    ...(options.timeoutMilliseconds === undefined ? [] : [AbortSignal.timeout(options.timeoutMilliseconds)]),
  ];
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
  const url = `${serverRoot(options.requestBase)}${path}`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers: options.headers,
      // Not followed: a redirect is a status without the answer, like any other.
      redirect: "manual",
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const why =
      signal?.aborted === true
        ? `no answer within ${options.timeoutMilliseconds} ms`
        : describeNetworkFailure(error);
    return { unanswered: `GET ${url}: ${why}` };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return isRetryableStatus(response.status)
      ? { unanswered: `GET ${url}: status ${response.status}` }
      : { body: undefined };
  }
  try {
    return { body: (await response.json()) as unknown };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    // A body cut by the deadline or the network is no answer; one that arrived whole but is not JSON is.
    if (signal?.aborted === true)
      return { unanswered: `GET ${url}: no answer within ${options.timeoutMilliseconds} ms` };
    return error instanceof SyntaxError
      ? { body: undefined }
      : { unanswered: `GET ${url}: ${describeNetworkFailure(error)}` };
  }
}

/**
 * `GET <server root><path>` as JSON, for the routes a server describes itself on (llama.cpp's `/props`,
 * vLLM's `/version`). An error status, a body that is not JSON, an unreachable server or one slower than
 * `timeoutMilliseconds` give `undefined`: such a route is optional, and nothing was learnt
 * (`askServerJson` tells these apart).
 *
 * @throws the abort reason when `signal` aborts (the caller stopped asking, which is not "no answer").
 * @example
 * const props = await readServerJson("/props", { requestBase: "http://127.0.0.1:8080/v1", headers: {} });
 */
export async function readServerJson(path: string, options: ReadServerJsonOptions): Promise<unknown> {
  return (await askServerJson(path, options)).body;
}
