import { addUsage } from "../../budget/usage.ts";
import { BackendCallError } from "../../errors/index.ts";
import { sleep } from "../../runtime/index.ts";
import type { Usage } from "../../spec/index.ts";
import { callFailure } from "./call-failure.ts";
import { failedAttemptUsage } from "./failed-attempt-usage.ts";
import { type AttemptContext, attemptCall } from "./http-attempt.ts";
import type { HttpCall } from "./http-call.ts";
import type { HttpCallerSettings } from "./http-caller-settings.ts";
import type { ParsedResponse, ReportedUsage } from "./response-parser.ts";

/** Posts generation bodies with retries, backoff and one total deadline per call. */
export interface HttpCaller {
  /**
   * Posts `call.body` and parses the (streamed or whole) response. Retries 408/409/429/5xx, network
   * failures and broken streams with exponential backoff and jitter, honouring `retry-after-ms` and
   * `retry-after`, until `maxRetries` or the deadline; rejects with a `BackendCallError`, or with the
   * signal's reason when the caller aborts. A retry that the fetch refused without sending it (a
   * non-retryable `BackendCallError` of the fetch's own, as an upstream's open circuit throws) ends the
   * call with the earlier attempt's failure, its status, flags and server message (`serverMessageOf`)
   * kept and the refusal as its cause: what the upstream answered, not the refusal, is why the call failed.
   *
   * A response that came after attempts whose streams broke part-way carries what those had done as its
   * `failedAttempts` (`brokenAttemptCharge`), so that the call is charged the tokens the server generated
   * on them too. A request that fails in the end rejects with an error whose `usage` carries them
   * (`failedCallUsage`: its last attempt too, when its stream broke after delivering something), so that
   * the caller can charge what the server generated before the failure. An aborted request tells only the
   * attempt it cut (`HttpCall.onAborted`).
   */
  post(call: HttpCall): Promise<ParsedResponse>;
  /** The server's own message inside an HTTP error this caller threw, without the URL around it. */
  serverMessageOf(error: unknown): string | undefined;
}

/**
 * What an attempt that failed after its stream had begun charges its request: the stream's usage
 * (`StreamAssembler.partial`) when it had delivered something, tokens or a usage chunk's prompt count.
 * A stream that broke before its first piece, like an error status or a whole body cut part-way (whose
 * tokens cannot be told), charges nothing.
 */
function brokenAttemptCharge(partial: ParsedResponse): ReportedUsage | undefined {
  const usage = partial.usage;
  if (usage === undefined) return undefined;
  return (usage.completionTokens ?? 0) > 0 || usage.promptTokens !== undefined ? usage : undefined;
}

/**
 * What a request that failed in the end had used (`BackendCallError.usage`): the charges of its attempts
 * whose streams broke part-way (`brokenAttemptCharge`), as one call; a prompt count that an attempt's own
 * usage chunk did not tell is taken from another attempt's (the same prompt was sent), else unknown.
 * `undefined` when no attempt had delivered anything.
 */
function failedCallUsage(failedAttempts: readonly ReportedUsage[]): Usage | undefined {
  if (failedAttempts.length === 0) return undefined;
  const told = failedAttempts.find((attempt) => attempt.promptTokens !== undefined);
  return addUsage(
    { promptTokens: 0, completionTokens: 0, calls: 1 },
    ...failedAttempts.map((attempt) => failedAttemptUsage(attempt, told)),
  );
}

/** Creates the retrying caller behind the OpenAI-compatible backend. */
export function createHttpCaller(settings: HttpCallerSettings): HttpCaller {
  const { clock } = settings;
  // The errors the attempts made themselves: any other reached them from the fetch, which refused the call.
  const made = new WeakSet<BackendCallError>();
  const failure = callFailure(settings.secrets);
  const context: AttemptContext = {
    settings,
    failure: (message, details) => {
      const error = failure(message, details);
      made.add(error);
      return error;
    },
    deadlineErrors: new WeakSet<BackendCallError>(),
    serverMessages: new WeakMap<BackendCallError, string>(),
  };

  function backoff(retryIndex: number): number {
    const base = Math.min(
      settings.maxRetryDelayMilliseconds,
      settings.retryDelayMilliseconds * 2 ** retryIndex,
    );
    return base * (0.5 + 0.5 * settings.random());
  }

  /**
   * The error a call rejects with: `error`, with `reason` (why it was not retried) added to its message and
   * `usage` (what the call had used, `failedCallUsage`) carried, when there is either.
   */
  function givenUp(
    error: BackendCallError,
    reason: string | undefined,
    usage: Usage | undefined,
  ): BackendCallError {
    if (reason === undefined && usage === undefined) return error;
    const rejection = new BackendCallError(
      reason === undefined ? error.message : `${error.message} (${reason})`,
      {
        status: error.status,
        isRetryable: error.isRetryable,
        retryAfterMilliseconds: error.retryAfterMilliseconds,
        url: error.url,
        usage,
        cause: error,
      },
    );
    const message = context.serverMessages.get(error);
    if (message !== undefined) context.serverMessages.set(rejection, message);
    return rejection;
  }

  /**
   * The error a call rejects with when attempt `attemptNumber` was refused without being sent (`refusal`,
   * from the fetch: an open circuit) after `earlier`, a real failure of the same call: the earlier failure,
   * its status, flags and server message kept (a lost sample, not a refusal of the request), with the
   * refusal as its cause, so that whoever tells an open circuit by the cause chain still finds it.
   */
  function refusedAfter(
    earlier: BackendCallError,
    refusal: BackendCallError,
    attemptNumber: number,
    usage: Usage | undefined,
  ): BackendCallError {
    const rejection = new BackendCallError(
      `${earlier.message} (attempt ${attemptNumber} was refused unsent: ${refusal.message})`,
      {
        status: earlier.status,
        isRetryable: earlier.isRetryable,
        retryAfterMilliseconds: earlier.retryAfterMilliseconds,
        url: earlier.url,
        usage,
        cause: refusal,
      },
    );
    const message = context.serverMessages.get(earlier);
    if (message !== undefined) context.serverMessages.set(rejection, message);
    return rejection;
  }

  return {
    serverMessageOf(error) {
      return BackendCallError.isInstance(error) ? context.serverMessages.get(error) : undefined;
    },
    async post(call) {
      call.signal?.throwIfAborted();
      const deadline = clock.now() + settings.timeoutMilliseconds;
      let previous: BackendCallError | undefined;
      let delivered = false;
      let watched = false;
      const failedAttempts: ReportedUsage[] = [];
      const onBroken = (partial: ParsedResponse) => {
        const charge = brokenAttemptCharge(partial);
        if (charge !== undefined) failedAttempts.push(charge);
      };
      const onPiece =
        call.onPiece === undefined
          ? undefined
          : (text: string, kind: "text" | "reasoning", index: number) => {
              if (text === "") return;
              delivered = true;
              call.onPiece?.(text, kind, index);
            };
      const watch =
        call.watch === undefined
          ? undefined
          : (token: Parameters<NonNullable<typeof call.watch>>[0]) => {
              // The watcher keeps the trace's state: a retry would show it the tokens of another trace.
              watched = true;
              return call.watch!(token);
            };
      for (let attemptNumber = 1; ; attemptNumber += 1) {
        let error: BackendCallError;
        try {
          const response = await attemptCall(call, context, {
            deadline,
            attemptNumber,
            onPiece,
            watch,
            onBroken,
          });
          return failedAttempts.length === 0 ? response : { ...response, failedAttempts };
        } catch (thrown) {
          if (call.signal?.aborted) throw call.signal.reason;
          if (!BackendCallError.isInstance(thrown)) throw thrown;
          error = thrown;
        }
        const used = failedCallUsage(failedAttempts);
        const pastDeadline = context.deadlineErrors.has(error);
        if (pastDeadline && previous !== undefined) {
          throw givenUp(error, `the attempt before failed: ${previous.message}`, used);
        }
        // A retry the fetch refused unsent (an open circuit) says nothing new of the call: the earlier
        // failure does.
        if (!made.has(error) && !error.isRetryable && previous !== undefined) {
          throw refusedAfter(previous, error, attemptNumber, used);
        }
        if (!error.isRetryable || pastDeadline) throw givenUp(error, undefined, used);
        if (delivered) {
          throw givenUp(error, "not retried: part of its text was already delivered", used);
        }
        if (watched) throw givenUp(error, "not retried: a token watcher already saw part of it", used);
        previous = error;
        if (attemptNumber > settings.maxRetries) {
          throw givenUp(error, `gave up after ${attemptNumber} attempts`, used);
        }
        const wait = error.retryAfterMilliseconds ?? backoff(attemptNumber - 1);
        if (clock.now() + wait >= deadline) {
          throw givenUp(
            error,
            `attempt ${attemptNumber}; no retry: waiting ${Math.round(wait)} ms would pass the deadline of ${settings.timeoutMilliseconds} ms`,
            used,
          );
        }
        await sleep(wait, call.signal);
      }
    },
  };
}
