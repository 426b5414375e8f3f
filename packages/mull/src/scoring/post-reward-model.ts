import { z } from "zod";
import { describeNetworkFailure } from "../backends/openai-compatible/index.ts";
import { BackendCallError } from "../errors/index.ts";
import { checkInteger, readApiKey, retryAfterMilliseconds } from "../runtime/index.ts";

/** One POST to a reward model served over HTTP (vLLM `/pooling` or `/classify`). */
export interface RewardModelRequest<Schema extends z.ZodType> {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
  readonly timeoutMilliseconds: number;
  /** The caller's signal; the call also ends at `timeoutMilliseconds`. */
  readonly signal?: AbortSignal | undefined;
  /** How errors name the server, e.g. `PRM` or `reward model`. */
  readonly label: string;
  /** The response shape, e.g. `/pooling`. */
  readonly shape: string;
  readonly schema: Schema;
}

/** The longest deadline a timer takes (2^31 - 1 ms, about 24.8 days); Node fires a longer one at once. */
const longestTimeoutMilliseconds = 2 ** 31 - 1;

/**
 * The deadline of one request to a reward model, checked: default 60 s; else a whole number of
 * milliseconds a timer can wait (from 1 to 2^31 - 1), so that a bad one is refused when the scorer is
 * made rather than at its first request.
 *
 * @throws ConfigError `<owner>: timeoutMilliseconds must be an integer from 1 to 2147483647, got -5`.
 * @example
 * const timeout = rewardModelTimeout("httpProcessReward", options.timeoutMilliseconds);
 */
export function rewardModelTimeout(owner: string, timeoutMilliseconds: unknown): number {
  if (timeoutMilliseconds === undefined) return 60_000;
  return checkInteger(owner, "timeoutMilliseconds", timeoutMilliseconds, {
    minimum: 1,
    maximum: longestTimeoutMilliseconds,
  });
}

/**
 * The request headers of a reward model: JSON, and a bearer key read from the environment variable
 * `apiKeyEnv` when one is named.
 *
 * @throws ConfigError (field `apiKeyEnv`) when the variable is named but not set; `owner` says by whom.
 */
export function rewardModelHeaders(apiKeyEnv: string | undefined, owner: string): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const key = readApiKey(apiKeyEnv, { owner });
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  return headers;
}

/**
 * Posts a body to a reward model and returns its response, checked against `schema`.
 *
 * @throws BackendCallError (retryable for network failures and timeouts; with the status and the wait
 * that `retry-after-ms`/`retry-after` ask for on an HTTP error) naming the server and what was wrong: no answer in time, an error
 * status with the start of its body, a body that is not JSON, or one of another shape. The caller's
 * abort is rethrown as it is.
 * @example
 * const data = await postRewardModel({ url, headers, body, timeoutMilliseconds: 60_000, label: "PRM", shape: "/pooling", schema });
 */
export async function postRewardModel<Schema extends z.ZodType>(
  request: RewardModelRequest<Schema>,
): Promise<z.infer<Schema>> {
  const { url, label, timeoutMilliseconds } = request;
  const deadline = AbortSignal.timeout(timeoutMilliseconds);
  const signal = request.signal === undefined ? deadline : AbortSignal.any([request.signal, deadline]);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: request.headers,
      body: JSON.stringify(request.body),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new BackendCallError(
      deadline.aborted
        ? `${label} at ${url} did not answer within ${timeoutMilliseconds} ms`
        : `${label} at ${url} failed: ${describeNetworkFailure(error)}`,
      { isRetryable: true, url, cause: error },
    );
  }
  if (!response.ok) {
    throw new BackendCallError(`${label} at ${url} answered ${response.status}: ${text.slice(0, 300)}`, {
      status: response.status,
      url,
      retryAfterMilliseconds: retryAfterMilliseconds(response.headers),
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BackendCallError(`${label} at ${url} sent a body that is not JSON: ${text.slice(0, 200)}`, {
      url,
      cause: error,
    });
  }
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) {
    throw new BackendCallError(
      `${label} at ${url} sent an unexpected ${request.shape} response: ${z.prettifyError(parsed.error)}`,
      { url },
    );
  }
  return parsed.data;
}
