import type { Usage } from "../spec/index.ts";
import { MullError } from "./mull-error.ts";

const marker = Symbol.for("mull.error.backend-call");

/** HTTP statuses worth retrying: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * A backend call failed: an HTTP error status, a network failure, a cut or stalled stream, or a malformed
 * response. `isRetryable` follows the status (408/409/429/5xx) or the kind of failure.
 */
export class BackendCallError extends MullError {
  protected readonly [marker] = true;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Whether trying again may succeed. */
  readonly isRetryable: boolean;
  /** Milliseconds the server asked to wait (`retry-after`), when it said. */
  readonly retryAfterMilliseconds: number | undefined;
  /** The endpoint called, without credentials. */
  readonly url: string | undefined;
  /**
   * What the call had used before it failed, as far as the backend can tell: the tokens its upstream
   * generated on streams that broke part-way (a prompt count no usage chunk told is `undefined`).
   * `undefined` when it used nothing that can be told (an error status, a refused connection, a whole
   * body cut part-way).
   */
  readonly usage: Usage | undefined;

  constructor(
    message: string,
    options: {
      status?: number | undefined;
      isRetryable?: boolean | undefined;
      retryAfterMilliseconds?: number | undefined;
      url?: string | undefined;
      usage?: Usage | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "BackendCallError";
    this.status = options.status;
    this.isRetryable =
      options.isRetryable ?? (options.status === undefined ? false : isRetryableStatus(options.status));
    this.retryAfterMilliseconds = options.retryAfterMilliseconds;
    this.url = options.url;
    this.usage = options.usage;
  }

  static override isInstance(error: unknown): error is BackendCallError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
