/** Options of `listServedModels`. */
export interface ListServedModelsOptions {
  /** The server's OpenAI-compatible base URL, e.g. `http://localhost:8000/v1`. */
  readonly baseUrl: string;
  /** Sent as a bearer token when given. */
  readonly apiKey?: string | undefined;
  /** The `fetch` to call, e.g. one that refuses private addresses; default the global one. */
  readonly fetch?: typeof fetch | undefined;
  /** Ends the request (a deadline, or the caller giving up). */
  readonly signal?: AbortSignal | undefined;
}

/** What a server's `GET /models` answered. */
export interface ServedModelList {
  /** The URL asked. */
  readonly url: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The ids of the models listed, in the server's order; empty when the status is not 2xx or none is named. */
  readonly models: readonly string[];
}

/**
 * Asks an OpenAI-compatible server which models it serves (`GET <baseUrl>/models`). An error status or a
 * body of another shape is an answer that lists no model, so the caller can say which it got.
 *
 * @throws whatever `fetch` throws when the server cannot be reached or `signal` ends the request.
 * @example
 * const { models } = await listServedModels({ baseUrl: "http://localhost:8000/v1", signal: AbortSignal.timeout(10_000) });
 * const model = models[0];
 */
export async function listServedModels(options: ListServedModelsOptions): Promise<ServedModelList> {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/models`;
  const response = await (options.fetch ?? fetch)(url, {
    headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
    // Not followed: a redirect is an answer that lists no model, under its own status.
    redirect: "manual",
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const body = (await response.json().catch(() => undefined)) as { data?: unknown } | undefined;
  const entries = response.ok && Array.isArray(body?.data) ? (body.data as unknown[]) : [];
  const models = entries.flatMap((entry) => {
    const id = (entry as { id?: unknown } | null)?.id;
    return typeof id === "string" ? [id] : [];
  });
  return { url, status: response.status, models };
}
