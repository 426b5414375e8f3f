import { BackendCallError } from "../../errors/index.ts";
import type { GuardedFetch } from "../network/index.ts";
import { circuitVerdict } from "./circuit-breaker.ts";
import { CircuitOpenError } from "./circuit-open-error.ts";
import { isOutsideCircuits } from "./outside-circuits.ts";
import type { UpstreamCircuit } from "./upstream-circuit.ts";
import { isUpstreamTimeout } from "./upstream-timeout.ts";

/**
 * What an HTTP request asks of an upstream: `tokenizer` for the server's tokenizer routes, which count a
 * prompt's tokens before it is sent (`POST /tokenize`, and llama.cpp's `POST /apply-template`);
 * `discovery` for the routes a server describes itself on (llama.cpp's `GET /props`, vLLM's
 * `GET /version`), which say what it is, not whether it generates; and `generation` for every other
 * request (completions, and the capability probes beside them).
 */
export type UpstreamCallKind = "generation" | "tokenizer" | "discovery";

/**
 * Observes each HTTP request to an upstream once, when its outcome is known: the outcome (status code,
 * `network-error`, `aborted`, or `unread` for a successful response whose body nobody had begun to read
 * when its call was aborted or its body cancelled), the seconds to its response headers, and what it asked
 * of the upstream.
 */
export type UpstreamCallObserver = (
  upstream: string,
  outcome: string,
  seconds: number,
  kind: UpstreamCallKind,
) => void;

/** The last segments of the tokenizer routes' paths, beside a server's `/v1` (see `countServerTokens`). */
const tokenizerPaths: readonly string[] = ["/tokenize", "/apply-template"];

/** The last segments of the discovery routes' paths, beside a server's `/v1` (see `discoverServer`). */
const discoveryPaths: readonly string[] = ["/props", "/version"];

/**
 * What a request to `input` asks of its upstream: `tokenizer` where its path ends with a tokenizer route's
 * (`/tokenize`, `/apply-template`), `discovery` where it ends with a discovery route's (`/props`,
 * `/version`), else `generation`.
 *
 * @example
 * upstreamCallKind("http://127.0.0.1:8080/tokenize"); // "tokenizer"
 * upstreamCallKind("http://127.0.0.1:8080/props"); // "discovery"
 * upstreamCallKind("http://127.0.0.1:8080/v1/chat/completions"); // "generation"
 */
export function upstreamCallKind(input: string | URL | Request): UpstreamCallKind {
  const address = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  let path: string;
  try {
    path = new URL(address).pathname;
  } catch {
    return "generation";
  }
  if (tokenizerPaths.some((tokenizer) => path.endsWith(tokenizer))) return "tokenizer";
  if (discoveryPaths.some((discovery) => path.endsWith(discovery))) return "discovery";
  return "generation";
}

/**
 * The outcome of a successful response whose body was never read before its call was aborted (the
 * client went away, or the caller gave up, between the headers and the first read) or before its reader
 * cancelled it (the caller could not use the answer, say a whole response where it needed a stream): the
 * upstream answered, so its circuit takes it as neither success nor failure.
 */
export const unreadOutcome = "unread";

/**
 * Why an upstream call failed: `timeout` when the backend's own timeout aborted it (`isUpstreamTimeout`),
 * `aborted` when the caller did (the client went away, the request's budget ran out, a strategy stopped
 * early), else `network-error`.
 */
function failureOutcome(signal: AbortSignal | null | undefined): string {
  if (signal?.aborted !== true) return "network-error";
  return isUpstreamTimeout(signal.reason) ? "timeout" : "aborted";
}

/**
 * Records an outcome in the circuit. A shared circuit that cannot record it (its store is unreachable)
 * loses that one outcome rather than the upstream's answer: the next request's admission fails instead.
 */
async function recordOutcome(circuit: UpstreamCircuit, outcome: string): Promise<void> {
  try {
    await circuit.record(circuitVerdict(outcome));
  } catch {
    // The next admission asks the store again and refuses the request while it stays unreachable.
  }
}

/**
 * A successful response's body, passed through as it is read, that settles the call's outcome once: the
 * status when the body ends or its reader cancels it after reading some (it read what it needed, `[DONE]`
 * say), a failure when reading it fails (a stream cut after its headers) or when the call was aborted
 * before the reader let go of it, and `unread` when its reader cancels it before reading any, or as soon as
 * the call is aborted when nobody had begun to read it (nothing would read it, and so settle it,
 * afterwards).
 */
function observedBody(
  body: ReadableStream<Uint8Array>,
  status: string,
  signal: AbortSignal | null | undefined,
  settle: (outcome: string) => Promise<void>,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let pulled = false;
  // The aborted fetch closes the connection itself; a read after the abort fails with its reason.
  const onAbort = () => void settle(pulled ? failureOutcome(signal) : unreadOutcome);
  if (signal?.aborted === true) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const end = async (outcome: string) => {
    signal?.removeEventListener("abort", onAbort);
    await settle(outcome);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        pulled = true;
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          await end(failureOutcome(signal));
          controller.error(error);
          return;
        }
        if (chunk.done) {
          await end(status);
          controller.close();
          return;
        }
        controller.enqueue(chunk.value);
      },
      async cancel(reason) {
        // A body let go unread says nothing of the answer: the caller did not use it.
        if (!pulled) await end(unreadOutcome);
        else await end(signal?.aborted === true ? failureOutcome(signal) : status);
        await reader.cancel(reason).catch(() => undefined);
      },
    },
    // Reads only what its reader asks for, so the upstream's own flow control still applies.
    { highWaterMark: 0 },
  );
}

/**
 * The upstream's fetch, observed: each HTTP request's outcome goes to the metrics and, for a generation
 * request, to the upstream's circuit breaker (so retries inside one request count as separate calls). A
 * tokenizer request (`upstreamCallKind`) is observed as `tokenizer` and never recorded in the circuit:
 * whether the server counts a prompt says nothing of whether it generates (a server without the route
 * answers 404 once, a working one must not close a half-open circuit or reset its count of failures). A
 * discovery request (`GET /props`, `GET /version`) is observed as `discovery` and never recorded in the
 * circuit either, for the same reason: a server without the route answers 404, one still loading its
 * model 503, and a backend asks again while they go unanswered. Nor is a generation request made
 * `outsideCircuits` (the start-up capability probe, which nobody asked for): it is observed as
 * `generation`, as the requests it stands for are, and leaves the circuit alone. An
 * error status counts when its headers arrive; a successful one when its body has been read, so a stream
 * cut after its headers counts as the failure it is (`network-error`, or `timeout` for the backend's own
 * stall, first-token or deadline timeout), once, and never also as a success; a call its caller aborted
 * (the client went away, the request's own budget ran out) counts as `aborted`, neither way; one whose
 * body nobody began to read before the call was aborted, or before the body was cancelled, counts then as
 * `unread`. While the circuit is open no
 * call goes out, a tokenizer request's (its prompt is then estimated) and a discovery's (asked again
 * later) neither: the fetch fails at once with
 * a non-retryable error whose cause is a `CircuitOpenError`. When a shared circuit cannot be asked, no
 * call goes out either: the fetch fails with a non-retryable error whose cause is the store's error. A
 * request the guarded fetch sent again on a fresh connection, because the upstream had closed the
 * kept-alive one unanswered (`createGuardedFetch`), is one call, observed by the outcome of its resend:
 * that closed connection says nothing of the upstream's health.
 *
 * @example
 * const fetchFunction = observedFetch(createGuardedFetch({ policy }), "vllm", metrics.observeUpstreamCall, circuit);
 * const backend = createOpenAICompatibleBackend({ baseUrl, model, fetch: fetchFunction });
 */
export function observedFetch(
  guarded: GuardedFetch,
  upstream: string,
  observe: UpstreamCallObserver | undefined,
  circuit: UpstreamCircuit,
): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    let allowed: boolean;
    let refusal: CircuitOpenError | undefined;
    try {
      allowed = await circuit.allowsCall();
      if (!allowed) refusal = new CircuitOpenError(upstream, await circuit.retryAfterMilliseconds());
    } catch (error) {
      throw new BackendCallError(error instanceof Error ? error.message : String(error), {
        isRetryable: false,
        cause: error,
      });
    }
    if (refusal !== undefined) {
      throw new BackendCallError(refusal.message, {
        isRetryable: false,
        retryAfterMilliseconds: refusal.retryAfterMilliseconds,
        cause: refusal,
      });
    }
    const kind = upstreamCallKind(input);
    const recorded = kind === "generation" && !isOutsideCircuits();
    const start = performance.now();
    let headerSeconds: number | undefined;
    let settled = false;
    const settle = async (outcome: string) => {
      if (settled) return;
      settled = true;
      if (recorded) await recordOutcome(circuit, outcome);
      // The metrics keep their labels: a timed-out attempt is counted as `aborted`, as before.
      const seconds = headerSeconds ?? (performance.now() - start) / 1000;
      observe?.(upstream, outcome === "timeout" ? "aborted" : outcome, seconds, kind);
    };
    let response: Response;
    try {
      response = await guarded.fetch(input, init);
    } catch (error) {
      await settle(failureOutcome(init?.signal));
      throw error;
    }
    headerSeconds = (performance.now() - start) / 1000;
    const status = String(response.status);
    if (!response.ok || response.body === null) {
      await settle(status);
      return response;
    }
    return new Response(observedBody(response.body, status, init?.signal, settle), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }) as typeof fetch;
}
