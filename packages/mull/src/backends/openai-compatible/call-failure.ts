import { BackendCallError, isRetryableStatus } from "../../errors/index.ts";
import { MalformedResponseError, StreamErrorEvent } from "./response-parser.ts";
import { redactSecrets } from "./server-message.ts";

/** What a failed request says besides its message. */
export interface FailureDetails {
  readonly status?: number;
  readonly isRetryable?: boolean;
  readonly retryAfter?: number | undefined;
  readonly url: string;
  readonly cause?: unknown;
}

/** Makes the error of a failed request. */
export type CallFailure = (message: string, details: FailureDetails) => BackendCallError;

/** The errors of failed requests, with every secret taken out of their messages. */
export function callFailure(secrets: readonly string[]): CallFailure {
  return (message, details) =>
    new BackendCallError(redactSecrets(message, secrets), {
      status: details.status,
      isRetryable: details.isRetryable,
      retryAfterMilliseconds: details.retryAfter,
      url: details.url,
      cause: details.cause,
    });
}

/**
 * The error for a response body that cannot be used: an error event in a stream (retryable as its status
 * says, or at all when it gives none) or a body of the wrong shape (retryable: the next may be whole).
 */
export function shapeFailure(thrown: unknown, publicUrl: string, failure: CallFailure): BackendCallError {
  if (thrown instanceof StreamErrorEvent) {
    const status =
      thrown.status !== undefined && thrown.status >= 400 && thrown.status < 600 ? thrown.status : undefined;
    return failure(`POST ${publicUrl}: the server reported an error: ${thrown.message}`, {
      ...(status === undefined ? {} : { status }),
      isRetryable: status === undefined ? true : isRetryableStatus(status),
      url: publicUrl,
    });
  }
  const detail =
    thrown instanceof MalformedResponseError || thrown instanceof SyntaxError
      ? thrown.message
      : String(thrown);
  return failure(`POST ${publicUrl}: malformed response: ${detail}`, {
    isRetryable: true,
    url: publicUrl,
    cause: thrown,
  });
}
