import { BackendCallError } from "../../errors/index.ts";
import type { ConcurrencyLimit } from "../../runtime/index.ts";
import type { GenerationRequest, TokenLogprob, TokenVerdict } from "../../spec/index.ts";
import { activeContextTask, withProbeSpan } from "../../telemetry/index.ts";
import type { PieceRelay } from "./http-call.ts";
import type { HttpCaller } from "./http-caller.ts";
import { type EndpointKind, requestBody, topLogprobCount } from "./request-body.ts";
import type { ParsedResponse } from "./response-parser.ts";

/** One HTTP request of a generation call. */
export interface RequestShape {
  readonly kind: EndpointKind;
  readonly request: GenerationRequest;
  /** Completions asked for in this HTTP request (1 when the call is fanned out). */
  readonly n: number;
  /** Seed of this HTTP request (shifted per request when a call is fanned out). */
  readonly seed: number | undefined;
  /** Whether to ask for log-probabilities (false once the server is known not to give them). */
  readonly logprobs: boolean;
  readonly signal: AbortSignal;
  readonly streamed: boolean;
  /** Receives the text and reasoning pieces of a streamed response's choices, each with its index. */
  readonly onPiece?: PieceRelay | undefined;
  /** Told as the request is answered with a success status (`HttpCall.onAccepted`). */
  readonly onAccepted?: (() => void) | undefined;
  /** Watches the tokens of a streamed single completion, and may cut it (see `HttpCall.watch`). */
  readonly watchChoice?: ((token: TokenLogprob) => TokenVerdict) | undefined;
  /** Receives what the request had done when `signal`'s abort cut it after it was sent (`HttpCall.onAborted`). */
  readonly onAborted?: ((partial: ParsedResponse) => void) | undefined;
  /**
   * Whether the request is one of the capability probe's: it is then a client span of its own
   * (`withProbeSpan`, `mull.probe`), where a generation's requests are traced by its generation's span.
   */
  readonly probe?: boolean | undefined;
}

/** A request parameter a server may refuse, which the backend then stops sending. */
export type RefusableParameter = "n" | "logprobs";

/** Sends the HTTP requests of one backend, and tells its servers' refusals apart. */
export interface RequestSender {
  /** Sends one HTTP request (with its retries) once a concurrency slot is free. */
  send(shape: RequestShape): Promise<ParsedResponse>;
  /** Whether `error` is the server refusing `parameter`: a 400 or 422 whose own message names it. */
  refuses(error: unknown, parameter: RefusableParameter): boolean;
}

/** What servers' messages say when they refuse a parameter. */
const namesOf: Readonly<Record<RefusableParameter, RegExp>> = {
  n: /(^|[^a-z0-9_])n([^a-z0-9_]|$)|number of (choices|completions)/i,
  logprobs: /logprob/i,
};

/** The path of an endpoint under the base URL. */
export function endpointPath(kind: EndpointKind): string {
  return kind === "chat" ? "/chat/completions" : "/completions";
}

/** Creates the sender of a backend: every request waits for a slot of `limit`, then `caller` posts it. */
export function createRequestSender(settings: {
  readonly caller: HttpCaller;
  readonly limit: ConcurrencyLimit;
  readonly model: string;
  /** Whether `top_k` and `min_p` may be sent. */
  readonly samplingExtras: boolean;
  /** The most stop strings the server takes in one request (`stopSequenceLimit`); `undefined` for no limit. */
  readonly maxStopSequences?: number | undefined;
}): RequestSender {
  const { caller, limit } = settings;
  return {
    send(shape) {
      const post = () =>
        caller.post({
          path: endpointPath(shape.kind),
          body: requestBody(shape.request, {
            endpoint: shape.kind,
            model: settings.model,
            n: shape.n,
            seed: shape.seed,
            logprobs: shape.logprobs,
            stream: shape.streamed,
            samplingExtras: settings.samplingExtras,
            maxStopSequences: settings.maxStopSequences,
          }),
          withTopLogprobs: shape.logprobs && topLogprobCount(shape.request) > 0,
          signal: shape.signal,
          onPiece: shape.onPiece,
          onAccepted: shape.onAccepted,
          watch: shape.watchChoice,
          onAborted: shape.onAborted,
        });
      const traced =
        shape.probe === true
          ? () =>
              withProbeSpan(
                {
                  prompt: shape.request.prompt,
                  model: settings.model,
                  backend: "openai-compatible",
                  n: shape.n,
                  temperature: shape.request.temperature,
                  maxTokens: shape.request.maxTokens,
                  signal: shape.signal,
                },
                post,
              )
          : post;
      // A request that waits for a slot starts as another ends, in that one's context: bound to the
      // context it was sent in, it carries its own span (as parent of its probe span or upstream request).
      return limit.run(activeContextTask(traced), shape.signal);
    },
    refuses(error, parameter) {
      if (!BackendCallError.isInstance(error) || (error.status !== 400 && error.status !== 422)) return false;
      const message = caller.serverMessageOf(error);
      return message !== undefined && namesOf[parameter].test(message);
    },
  };
}
