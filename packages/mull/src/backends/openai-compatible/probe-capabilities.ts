import { BackendCallError } from "../../errors/index.ts";
import type { BackendCapabilities, GenerationRequest, Prompt } from "../../spec/index.ts";
import type { EndpointKind } from "./request-body.ts";
import type { RequestSender } from "./request-sender.ts";

/** Capabilities that a probe finds out. */
export type ProbedCapabilities = Partial<Pick<BackendCapabilities, "n" | "logprobs" | "topLogprobs">>;

/** What a probe asks, and how it asks it. */
export interface ProbeSettings {
  /** Whether to find out if `n > 1` is honoured. */
  readonly n: boolean;
  /** Whether to find out if log-probabilities and their alternatives come back. */
  readonly logprobs: boolean;
  readonly kind: EndpointKind;
  readonly streamed: boolean;
  readonly signal: AbortSignal;
}

/**
 * The probe's chat question: one any chat model takes, in the form the lab models answer (an arithmetic
 * chain), so that a lab model behind `mull serve`, which refuses other questions, is probed too.
 */
const probeQuestion = "1+1=?";

/**
 * Whether `error` is the server refusing the probe's request as invalid input without naming a parameter
 * the probe asks about (a 400 or 422 about its content, such as a model that answers one kind of question
 * only): it says nothing of what the server honours, and the real requests will say it again if it matters.
 */
function refusesInput(error: unknown): boolean {
  return BackendCallError.isInstance(error) && (error.status === 400 || error.status === 422);
}

/**
 * A failed probe request's error, its message saying it was the probe (a run that only posts to one
 * endpoint is told why another failed); the rest of it kept. Anything but a `BackendCallError` (the
 * backend's disposal) passes unchanged.
 */
function asProbeFailure(error: unknown): unknown {
  if (!BackendCallError.isInstance(error)) return error;
  return new BackendCallError(`probing capabilities: ${error.message}`, {
    status: error.status,
    isRetryable: error.isRetryable,
    retryAfterMilliseconds: error.retryAfterMilliseconds,
    url: error.url,
    usage: error.usage,
    cause: error,
  });
}

/**
 * Asks a server with tiny requests (`n: 2`, one token, logprobs) what it honours. At most three
 * requests, and one in the usual case: each refusal drops what was refused and asks again. A request the
 * server refuses as invalid input (a 400 or 422 that names neither `n` nor log-probabilities) ends the probe
 * with what it has found: what it could not find out stays open, to be assumed from the endpoint and
 * learned from the first real responses, and the run goes on. Each request is a client span of its own,
 * marked `mull.probe` (`RequestShape.probe`).
 *
 * @throws BackendCallError for whatever else the server or the network answers (an unknown model, a missing
 * key, a down server), its message starting `probing capabilities: ` and naming the request, e.g.
 * `probing capabilities: POST http://127.0.0.1:8080/v1/chat/completions failed before a response arrived: …`.
 */
export async function probeCapabilities(
  sender: RequestSender,
  settings: ProbeSettings,
): Promise<ProbedCapabilities> {
  const { kind, streamed, signal } = settings;
  const prompt: Prompt =
    kind === "chat"
      ? { kind: "chat", messages: [{ role: "user", content: probeQuestion }] }
      : { kind: "text", text: "OK" };
  const found: { n?: boolean; logprobs?: boolean; topLogprobs?: boolean } = {};
  let askN = settings.n;
  let askLogprobs = settings.logprobs;
  for (;;) {
    if (!askN && !askLogprobs) return found;
    const n = askN ? 2 : 1;
    const request: GenerationRequest = {
      prompt,
      n,
      maxTokens: 1,
      temperature: 1,
      ...(askLogprobs ? { logprobs: true, topLogprobs: 1 } : {}),
    };
    try {
      const response = await sender.send({
        kind,
        request,
        n,
        seed: undefined,
        logprobs: askLogprobs,
        signal,
        streamed,
        probe: true,
      });
      if (askN) found.n = response.choices.length >= 2;
      if (askLogprobs) {
        const tokens = response.choices.flatMap((choice) => choice.tokens ?? []);
        found.logprobs = response.sawLogprobs;
        found.topLogprobs = response.sawTopLogprobs || (response.sawLogprobs && tokens.length === 0);
      }
      return found;
    } catch (error) {
      if (askN && sender.refuses(error, "n")) {
        found.n = false;
        askN = false;
      } else if (askLogprobs && sender.refuses(error, "logprobs")) {
        found.logprobs = false;
        found.topLogprobs = false;
        askLogprobs = false;
      } else if (refusesInput(error)) {
        return found;
      } else {
        throw asProbeFailure(error);
      }
    }
  }
}
