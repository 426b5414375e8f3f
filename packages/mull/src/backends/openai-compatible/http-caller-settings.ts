import type { Clock } from "../../spec/index.ts";
import type { EndpointUrl } from "./endpoint-url.ts";

/** Settings of the retrying HTTP caller. */
export interface HttpCallerSettings {
  readonly endpoint: EndpointUrl;
  /** Headers sent with every request (may hold the key: never shown). */
  readonly headers: Readonly<Record<string, string>>;
  /** Strings that must never appear in an error message. */
  readonly secrets: readonly string[];
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  /** Uniform numbers in [0, 1) for backoff jitter. */
  readonly random: () => number;
  /** One deadline for a request and all its retries. */
  readonly timeoutMilliseconds: number;
  /** Longest silence allowed in a streamed response once its headers arrived, or in a whole body once it began. */
  readonly stallTimeoutMilliseconds: number;
  /** Longest wait from sending a streamed request to its first event, if limited. */
  readonly firstTokenTimeoutMilliseconds: number | undefined;
  readonly maxRetries: number;
  /** Backoff before the first retry; doubles per retry, up to `maxRetryDelayMilliseconds`. */
  readonly retryDelayMilliseconds: number;
  readonly maxRetryDelayMilliseconds: number;
}
