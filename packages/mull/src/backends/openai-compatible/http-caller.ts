import { createParser } from "eventsource-parser";
import { BackendCallError, isRetryableStatus } from "../../errors/index.ts";
import { sleep } from "../../runtime/index.ts";
import type { Clock } from "../../spec/index.ts";
import type { EndpointUrl } from "./endpoint-url.ts";
import {
  MalformedResponseError,
  type ParsedResponse,
  parseWholeResponse,
  StreamAssembler,
  StreamErrorEvent,
} from "./response-parser.ts";
import { retryAfterMilliseconds } from "./retry-after.ts";
import { redactSecrets, serverMessage } from "./server-message.ts";

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

/** One POST of a generation body. */
export interface HttpCall {
  /** Path under the base URL, e.g. `/chat/completions`. */
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** Whether top alternatives are wanted in the parsed tokens. */
  readonly withTopLogprobs: boolean;
  readonly signal: AbortSignal | undefined;
  /** Receives the first choice's text pieces of a streamed response as they arrive; no retry after one. */
  readonly onText?: ((text: string) => void) | undefined;
}

type TimeoutKind = "deadline" | "stall" | "first-token";

/** Posts generation bodies with retries, backoff and one total deadline per call. */
export interface HttpCaller {
  /**
   * Posts `call.body` and parses the (streamed or whole) response. Retries 408/409/429/5xx, network
   * failures and broken streams with exponential backoff and jitter, honouring `retry-after-ms` and
   * `retry-after`, until `maxRetries` or the deadline; rejects with a `BackendCallError`, or with the
   * signal's reason when the caller aborts.
   */
  post(call: HttpCall): Promise<ParsedResponse>;
  /** The server's own message inside an HTTP error this caller threw, without the URL around it. */
  serverMessageOf(error: unknown): string | undefined;
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === "string" ? `${cause.message} (${code})` : cause.message;
  }
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}

/**
 * Reads a whole (unstreamed) body as text. Once its first bytes arrived, `onBytes` runs on every chunk,
 * so a body that goes silent part-way fails by the stall timeout; the silence before it begins is
 * bounded by the deadline only (a server may send its headers long before its answer).
 */
async function readWhole(response: Response, onBytes: () => void): Promise<string> {
  const body = response.body;
  if (body === null) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    onBytes();
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}

/** Creates the retrying caller behind the OpenAI-compatible backend. */
export function createHttpCaller(settings: HttpCallerSettings): HttpCaller {
  const { endpoint, clock } = settings;
  const deadlineErrors = new WeakSet<BackendCallError>();
  const serverMessages = new WeakMap<BackendCallError, string>();

  const clean = (message: string) => redactSecrets(message, settings.secrets);

  const failure = (
    message: string,
    options: {
      status?: number;
      isRetryable?: boolean;
      retryAfter?: number | undefined;
      url: string;
      cause?: unknown;
    },
  ) =>
    new BackendCallError(clean(message), {
      status: options.status,
      isRetryable: options.isRetryable,
      retryAfterMilliseconds: options.retryAfter,
      url: options.url,
      cause: options.cause,
    });

  async function attempt(
    call: HttpCall,
    deadline: number,
    attemptNumber: number,
    onText: ((text: string) => void) | undefined,
  ): Promise<ParsedResponse> {
    const url = `${endpoint.requestBase}${call.path}${endpoint.query}`;
    const publicUrl = `${endpoint.publicBase}${call.path}`;
    const stream = call.body.stream === true;
    const signal = call.signal;
    const controller = new AbortController();
    let timeoutKind: TimeoutKind | undefined;
    const expire = (kind: TimeoutKind) => {
      if (controller.signal.aborted) return;
      timeoutKind = kind;
      controller.abort(new Error(`${kind} timeout`));
    };
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });

    const timeoutError = (kind: TimeoutKind, chunks: number) => {
      if (kind === "deadline") {
        const error = failure(
          `POST ${publicUrl} did not finish within its deadline of ${settings.timeoutMilliseconds} ms (attempt ${attemptNumber})`,
          { isRetryable: true, url: publicUrl },
        );
        deadlineErrors.add(error);
        return error;
      }
      if (kind === "stall") {
        const what = stream ? "the stream stalled" : "the response body stalled";
        return failure(
          `POST ${publicUrl}: ${what}: no data for ${settings.stallTimeoutMilliseconds} ms${stream ? ` after ${chunks} chunks` : ""}`,
          { isRetryable: true, url: publicUrl },
        );
      }
      return failure(
        `POST ${publicUrl}: no first token within ${settings.firstTokenTimeoutMilliseconds} ms`,
        { isRetryable: true, url: publicUrl },
      );
    };

    /** What to throw for an error raised by the network layer (fetch or a body read). */
    const networkFailure = (thrown: unknown, phase: string, chunks: number): unknown => {
      if (signal?.aborted) return signal.reason;
      if (timeoutKind !== undefined) return timeoutError(timeoutKind, chunks);
      if (BackendCallError.isInstance(thrown)) return thrown;
      return failure(`POST ${publicUrl} failed ${phase}: ${describeCause(thrown)}`, {
        isRetryable: true,
        url: publicUrl,
        cause: thrown,
      });
    };

    const remaining = deadline - clock.now();
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
    const armStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => expire("stall"), settings.stallTimeoutMilliseconds);
    };

    try {
      let response: Response;
      try {
        response = await settings.fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: stream ? "text/event-stream" : "application/json",
            ...settings.headers,
          },
          body: JSON.stringify(call.body),
          signal: controller.signal,
        });
      } catch (thrown) {
        throw networkFailure(thrown, "before a response arrived", 0);
      }

      if (!response.ok) {
        let text = "";
        try {
          text = await response.text();
        } catch {
          // The status says enough; the body was lost with the connection.
          if (signal?.aborted) throw signal.reason;
          text = "";
        }
        const statusText = response.statusText === "" ? "" : ` ${response.statusText}`;
        const message = clean(serverMessage(text));
        const error = failure(
          `POST ${publicUrl} failed with status ${response.status}${statusText}: ${message}`,
          {
            status: response.status,
            retryAfter: retryAfterMilliseconds(response.headers),
            url: publicUrl,
          },
        );
        serverMessages.set(error, message);
        throw error;
      }

      const contentType = response.headers.get("content-type") ?? "";
      if (!contentType.includes("text/event-stream")) {
        let text: string;
        try {
          text = await readWhole(response, armStall);
        } catch (thrown) {
          throw networkFailure(thrown, "while reading the response", 0);
        } finally {
          clearTimeout(stallTimer);
        }
        let payload: unknown;
        try {
          payload = JSON.parse(text);
        } catch {
          throw failure(`POST ${publicUrl}: the response is not valid JSON (${text.length} characters)`, {
            isRetryable: true,
            url: publicUrl,
          });
        }
        try {
          return parseWholeResponse(payload, call.withTopLogprobs);
        } catch (thrown) {
          throw shapeFailure(thrown, publicUrl);
        }
      }

      const body = response.body;
      if (body === null) {
        throw failure(`POST ${publicUrl}: the stream has no body`, { isRetryable: true, url: publicUrl });
      }
      const assembler = new StreamAssembler(call.withTopLogprobs, onText);
      let sawDone = false;
      let streamFailure: unknown;
      const parser = createParser({
        onEvent: (event) => {
          if (sawDone || streamFailure !== undefined) return;
          if (firstTokenTimer !== undefined) {
            clearTimeout(firstTokenTimer);
            firstTokenTimer = undefined;
          }
          if (event.data.trim() === "[DONE]") {
            sawDone = true;
            return;
          }
          try {
            assembler.add(JSON.parse(event.data));
          } catch (thrown) {
            streamFailure = thrown;
          }
        },
      });
      const reader = body.getReader();
      const decoder = new TextDecoder();
      armStall();
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (thrown) {
            throw networkFailure(
              thrown,
              `while reading the stream, after ${assembler.chunks} chunks`,
              assembler.chunks,
            );
          }
          if (chunk.done) break;
          armStall();
          parser.feed(decoder.decode(chunk.value, { stream: true }));
          if (streamFailure !== undefined) throw shapeFailure(streamFailure, publicUrl);
          if (sawDone) break;
        }
      } finally {
        clearTimeout(stallTimer);
        // Also after [DONE]: whatever follows it is not needed, and a cancelled body frees the connection.
        await reader.cancel().catch(() => undefined);
      }
      if (!sawDone) {
        throw failure(
          `POST ${publicUrl}: the stream ended without [DONE] after ${assembler.chunks} chunks (a cut stream is a failed sample)`,
          { isRetryable: true, url: publicUrl },
        );
      }
      return assembler.result();
    } finally {
      clearTimeout(deadlineTimer);
      clearTimeout(stallTimer);
      clearTimeout(firstTokenTimer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  function shapeFailure(thrown: unknown, publicUrl: string): BackendCallError {
    if (thrown instanceof StreamErrorEvent) {
      const status =
        thrown.status !== undefined && thrown.status >= 400 && thrown.status < 600
          ? thrown.status
          : undefined;
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

  function backoff(retryIndex: number): number {
    const base = Math.min(
      settings.maxRetryDelayMilliseconds,
      settings.retryDelayMilliseconds * 2 ** retryIndex,
    );
    return base * (0.5 + 0.5 * settings.random());
  }

  function givenUp(error: BackendCallError, reason: string): BackendCallError {
    return new BackendCallError(`${error.message} (${reason})`, {
      status: error.status,
      isRetryable: error.isRetryable,
      retryAfterMilliseconds: error.retryAfterMilliseconds,
      url: error.url,
      cause: error,
    });
  }

  return {
    serverMessageOf(error) {
      return BackendCallError.isInstance(error) ? serverMessages.get(error) : undefined;
    },
    async post(call) {
      call.signal?.throwIfAborted();
      const deadline = clock.now() + settings.timeoutMilliseconds;
      let previous: BackendCallError | undefined;
      let delivered = false;
      const onText =
        call.onText === undefined
          ? undefined
          : (text: string) => {
              if (text === "") return;
              delivered = true;
              call.onText?.(text);
            };
      for (let attemptNumber = 1; ; attemptNumber += 1) {
        let error: BackendCallError;
        try {
          return await attempt(call, deadline, attemptNumber, onText);
        } catch (thrown) {
          if (call.signal?.aborted) throw call.signal.reason;
          if (!BackendCallError.isInstance(thrown)) throw thrown;
          error = thrown;
        }
        if (deadlineErrors.has(error) && previous !== undefined) {
          throw givenUp(error, `the attempt before failed: ${previous.message}`);
        }
        if (!error.isRetryable || deadlineErrors.has(error)) throw error;
        if (delivered) throw givenUp(error, "not retried: part of its text was already delivered");
        previous = error;
        if (attemptNumber > settings.maxRetries) {
          throw givenUp(error, `gave up after ${attemptNumber} attempts`);
        }
        const wait = error.retryAfterMilliseconds ?? backoff(attemptNumber - 1);
        if (clock.now() + wait >= deadline) {
          throw givenUp(
            error,
            `attempt ${attemptNumber}; no retry: waiting ${Math.round(wait)} ms would pass the deadline of ${settings.timeoutMilliseconds} ms`,
          );
        }
        await sleep(wait, call.signal);
      }
    },
  };
}
