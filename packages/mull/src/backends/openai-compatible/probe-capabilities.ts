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
 * Asks a server with tiny requests (`n: 2`, one token, logprobs) what it honours. At most three
 * requests, and one in the usual case: each refusal drops what was refused and asks again.
 */
export async function probeCapabilities(
  sender: RequestSender,
  settings: ProbeSettings,
): Promise<ProbedCapabilities> {
  const { kind, streamed, signal } = settings;
  const prompt: Prompt =
    kind === "chat"
      ? { kind: "chat", messages: [{ role: "user", content: "Say OK." }] }
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
      } else {
        throw error;
      }
    }
  }
}
