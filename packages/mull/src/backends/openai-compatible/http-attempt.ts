import { BackendCallError } from "../../errors/index.ts";
import { retryAfterMilliseconds } from "../../runtime/index.ts";
import { AttemptTimeout, type AttemptTimeoutKind } from "./attempt-timeout.ts";
import type { BodyReading } from "./body-reading.ts";
import { type CallFailure, shapeFailure } from "./call-failure.ts";
import { describeNetworkFailure } from "./describe-network-failure.ts";
import { fetchOnceMoreIfDropped } from "./fetch-once-more-if-dropped.ts";
import type { HttpCall, PieceRelay } from "./http-call.ts";
import type { HttpCallerSettings } from "./http-caller-settings.ts";
import { readEventStream } from "./read-event-stream.ts";
import { readWholeResponse } from "./read-whole-response.ts";
import { isRedirect, redirectTarget } from "./redirect-target.ts";
import type { ParsedResponse } from "./response-parser.ts";
import { redactSecrets, serverMessage } from "./server-message.ts";
import { StreamAssembler } from "./stream-assembler.ts";
import { streamCompletionOf } from "./stream-completion.ts";

/** What an attempt shares with the caller that retries it. */
export interface AttemptContext {
  readonly settings: HttpCallerSettings;
  readonly failure: CallFailure;
  /** Where an attempt marks the errors that mean the deadline passed: they are never retried. */
  readonly deadlineErrors: WeakSet<BackendCallError>;
  /** Where an attempt keeps the server's own message of each error status it met. */
  readonly serverMessages: WeakMap<BackendCallError, string>;
}

type TimeoutKind = AttemptTimeoutKind;

/** What a request sent without a stream open yet had done when it was aborted: nothing that can be told. */
const untold: ParsedResponse = {
  choices: [],
  usage: undefined,
  model: undefined,
  sawLogprobs: false,
  sawTopLogprobs: false,
};

/** The error for a response with an error status, carrying the server's own message and `retry-after`. */
async function statusFailure(
  response: Response,
  publicUrl: string,
  signal: AbortSignal | undefined,
  context: AttemptContext,
): Promise<BackendCallError> {
  let text = "";
  try {
    text = await response.text();
  } catch {
    // The status says enough; the body was lost with the connection.
    if (signal?.aborted) throw signal.reason;
    text = "";
  }
  const statusText = response.statusText === "" ? "" : ` ${response.statusText}`;
  const message = redactSecrets(serverMessage(text), context.settings.secrets);
  const error = context.failure(
    `POST ${publicUrl} failed with status ${response.status}${statusText}: ${message}`,
    { status: response.status, retryAfter: retryAfterMilliseconds(response.headers), url: publicUrl },
  );
  context.serverMessages.set(error, message);
  return error;
}

/** What one attempt of a call is given besides the call and the backend's context. */
export interface Attempt {
  /** When the whole call must be done, on `settings.clock`. */
  readonly deadline: number;
  /** The attempt's number, from 1, for messages. */
  readonly attemptNumber: number;
  /** Where streamed pieces of text go as they arrive. */
  readonly onPiece: PieceRelay | undefined;
  /** The call's token watcher, wrapped to note that it saw tokens. */
  readonly watch?: HttpCall["watch"] | undefined;
  /** Told what a stream had delivered when it broke part-way. */
  readonly onBroken?: ((partial: ParsedResponse) => void) | undefined;
}

/**
 * One attempt of an HTTP call, within what is left of the call's `deadline`: sends the body, and reads
 * the streamed or whole response under the stall timeout; a request that asks for a stream waits for its
 * first event under the first-token timeout too (from when it is sent). A request whose connection the
 * server dropped before any response arrived is sent once more within the attempt
 * (`fetchOnceMoreIfDropped`). A redirect is not followed: it fails the call, not retried, naming its
 * status and where it pointed (`redirectTarget`: the origin only). Rejects with a `BackendCallError` (retryable or not, as its cause says),
 * having told `onBroken` what its stream had delivered (`StreamAssembler.partial`) when one had begun, or
 * with the call signal's reason, having told `call.onAborted` what the attempt had done when it was sent.
 */
export async function attemptCall(
  call: HttpCall,
  context: AttemptContext,
  attempt: Attempt,
): Promise<ParsedResponse> {
  const { deadline, attemptNumber, onPiece, watch, onBroken } = attempt;
  const { settings, failure } = context;
  const { endpoint } = settings;
  const url = `${endpoint.requestBase}${call.path}${endpoint.query}`;
  const publicUrl = `${endpoint.publicBase}${call.path}`;
  const stream = call.body.stream === true;
  const signal = call.signal;
  const controller = new AbortController();
  let timeoutKind: TimeoutKind | undefined;
  const expire = (kind: TimeoutKind) => {
    if (controller.signal.aborted) return;
    timeoutKind = kind;
    controller.abort(new AttemptTimeout(kind));
  };
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });

  const timeoutError = (kind: TimeoutKind, chunks: number) => {
    if (kind === "deadline") {
      const error = failure(
        `POST ${publicUrl} did not finish within its deadline of ${settings.timeoutMilliseconds} ms (attempt ${attemptNumber})`,
        { isRetryable: true, url: publicUrl },
      );
      context.deadlineErrors.add(error);
      return error;
    }
    if (kind === "stall") {
      const what = stream ? "the stream stalled" : "the response body stalled";
      return failure(
        `POST ${publicUrl}: ${what}: no data for ${settings.stallTimeoutMilliseconds} ms${stream ? ` after ${chunks} chunks` : ""}`,
        { isRetryable: true, url: publicUrl },
      );
    }
    return failure(`POST ${publicUrl}: no first token within ${settings.firstTokenTimeoutMilliseconds} ms`, {
      isRetryable: true,
      url: publicUrl,
    });
  };

  /** What to throw for an error raised by the network layer (fetch or a body read). */
  const networkFailure = (thrown: unknown, phase: string, chunks: number): unknown => {
    if (signal?.aborted) return signal.reason;
    if (timeoutKind !== undefined) return timeoutError(timeoutKind, chunks);
    if (BackendCallError.isInstance(thrown)) return thrown;
    return failure(`POST ${publicUrl} failed ${phase}: ${describeNetworkFailure(thrown)}`, {
      isRetryable: true,
      url: publicUrl,
      cause: thrown,
    });
  };

  const remaining = deadline - settings.clock.now();
  if (remaining <= 0) {
    signal?.removeEventListener("abort", onAbort);
    throw timeoutError("deadline", 0);
  }
  const deadlineTimer = setTimeout(() => expire("deadline"), remaining);
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  let firstTokenTimer: ReturnType<typeof setTimeout> | undefined =
    stream && settings.firstTokenTimeoutMilliseconds !== undefined
      ? setTimeout(() => expire("first-token"), settings.firstTokenTimeoutMilliseconds)
      : undefined;
  const reading: BodyReading = {
    publicUrl,
    retryable: (message) => failure(message, { isRetryable: true, url: publicUrl }),
    malformed: (thrown) => shapeFailure(thrown, publicUrl, failure),
    networkFailure,
    armStall: () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => expire("stall"), settings.stallTimeoutMilliseconds);
    },
    stopStall: () => clearTimeout(stallTimer),
    firstEvent: () => {
      if (firstTokenTimer === undefined) return;
      clearTimeout(firstTokenTimer);
      firstTokenTimer = undefined;
    },
  };

  // Set once the answer and its stream begin: what an abort cut (the request is sent from here on).
  let response: Response | undefined;
  let assembler: StreamAssembler | undefined;
  try {
    try {
      // A kept-alive connection the server closed as the request went out is sent again at once: no
      // retry spent, no backoff (`fetchOnceMoreIfDropped`).
      response = await fetchOnceMoreIfDropped(settings.fetch, url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: stream ? "text/event-stream" : "application/json",
          ...settings.headers,
        },
        body: JSON.stringify(call.body),
        signal: controller.signal,
        // A redirect is refused, never followed: it could send the request, and its key, anywhere.
        redirect: "manual",
      });
    } catch (thrown) {
      throw networkFailure(thrown, "before a response arrived", 0);
    }
    if (isRedirect(response)) {
      await response.body?.cancel().catch(() => undefined);
      throw failure(
        `POST ${publicUrl} answered with a redirect (status ${response.status}) ${redirectTarget(response, url)}, which is not followed: set the base URL to the server that answers`,
        { status: response.status, isRetryable: false, url: publicUrl },
      );
    }
    if (!response.ok) throw await statusFailure(response, publicUrl, signal, context);
    call.onAccepted?.();
    const contentType = response.headers.get("content-type") ?? "";
    if (contentType.includes("text/event-stream")) {
      assembler = new StreamAssembler(call.withTopLogprobs, onPiece, watch);
      const parsed = await readEventStream(response, reading, assembler, streamCompletionOf(call.body));
      // A watcher's cut: the body is cancelled already; aborting makes sure the connection is closed too.
      if (parsed.choices[0]?.finishReason === "cut") controller.abort(new Error("cut by a token watcher"));
      return parsed;
    }
    if (watch !== undefined) {
      // Unread, the body would hold its pooled connection and leave the upstream call never counted.
      await response.body?.cancel().catch(() => undefined);
      throw failure(
        `POST ${publicUrl} answered with a whole response, not a stream: a token watcher needs the tokens as they are generated`,
        { isRetryable: false, url: publicUrl },
      );
    }
    return await readWholeResponse(response, reading, call.withTopLogprobs);
  } catch (thrown) {
    if (signal?.aborted) {
      // An error status is an answer that generated nothing: only a request still being answered was cut.
      if (response?.ok !== false) call.onAborted?.(assembler?.partial() ?? untold);
    } else if (assembler !== undefined) {
      onBroken?.(assembler.partial());
    }
    throw thrown;
  } finally {
    clearTimeout(deadlineTimer);
    clearTimeout(stallTimer);
    clearTimeout(firstTokenTimer);
    signal?.removeEventListener("abort", onAbort);
  }
}
