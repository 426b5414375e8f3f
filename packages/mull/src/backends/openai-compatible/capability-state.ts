import { BackendCallError } from "../../errors/index.ts";
import type { BackendCapabilities, GenerationRequest } from "../../spec/index.ts";
import type { EndpointUrl } from "./endpoint-url.ts";
import type { ParsedBackendOptions } from "./openai-compatible-backend-options.ts";
import { type ProbedCapabilities, probeCapabilities } from "./probe-capabilities.ts";
import { type EndpointKind, topLogprobCount, wantsLogprobs } from "./request-body.ts";
import type { RequestSender, RequestShape } from "./request-sender.ts";
import type { ParsedResponse } from "./response-parser.ts";
import { type SharedWork, shareUntilAbandoned } from "./shared-until-abandoned.ts";

/** What a backend knows of its server's capabilities, and learns from its answers. */
export interface CapabilityState {
  /** A capability as the options give it, else as derived from the endpoint (for those never probed). */
  setting<K extends keyof BackendCapabilities>(key: K): BackendCapabilities[K];
  /** Whether to ask for these `n` completions in one request. */
  nativeN(n: number): boolean;
  /**
   * The server refused `n` completions in one request, or answered fewer: `n` is reported off, and calls
   * of `n` or more are fanned out from now on (smaller ones too, unless the server answered some `n > 1`
   * in full: llama.cpp's server takes `n` up to its number of slots only).
   */
  refusedN(n: number): void;
  /** The server answered `n` completions in one request. */
  acceptedN(n: number): void;
  /**
   * Sends with log-probabilities when the request wants them and the server gives them, and learns from
   * the answer whether it does; a server that refuses them is asked again without.
   */
  send(shape: Omit<RequestShape, "logprobs">): Promise<ParsedResponse>;
  /**
   * The capabilities: derived from the endpoint, then probed, then given in the options, then learned
   * from answers. Probes once when the options leave something open; concurrent callers share the probe.
   * Once known they are answered whatever `signal` says; until then an aborted `signal` rejects with its
   * reason, before the probe is sent or as soon as it aborts. The shared probe goes on while a caller still
   * waits on it, and is aborted when the last one aborts: the next call probes afresh.
   */
  capabilities(signal?: AbortSignal): Promise<BackendCapabilities>;
}

/** What can be said of a server without asking it: OpenAI's own API is known, others are assumed capable. */
export function derivedCapabilities(
  endpoint: EndpointUrl,
  mode: ParsedBackendOptions["endpoint"],
  stream: boolean,
): BackendCapabilities {
  const isOpenAI = endpoint.hostname === "api.openai.com";
  return {
    n: true,
    // A request's usage counts its prompt once whatever its `n`: OpenAI and vLLM report it so, and
    // llama.cpp's server, which reports the whole prompt in each choice's usage, is counted once too.
    promptPerCompletion: false,
    logprobs: true,
    topLogprobs: true,
    maxTopLogprobs: isOpenAI ? 20 : undefined,
    promptLogprobs: false,
    score: false,
    seed: true,
    chat: mode !== "completions",
    completion: mode !== "chat",
    continuePrefix: !(isOpenAI && mode === "chat"),
    grammar: false,
    topK: !isOpenAI,
    // Watching needs the tokens as they stream in, with their log-probabilities.
    watchTokens: stream,
  };
}

/** The error of a watched request the server cannot serve: a watcher needs every token's log-probability. */
function unwatchable(why: string): BackendCallError {
  return new BackendCallError(`the server ${why}: a token watcher needs each token's log-probability`, {
    isRetryable: false,
  });
}

/** Creates the capability state of one backend. */
export function createCapabilityState(settings: {
  readonly derived: BackendCapabilities;
  readonly overrides: ParsedBackendOptions["capabilities"];
  readonly sender: RequestSender;
  /** Where the probe goes, and whether it streams. */
  readonly probeKind: EndpointKind;
  readonly stream: boolean;
  /** The backend's lifetime: a probe stops with it, or once every caller waiting on it has aborted. */
  readonly lifetime: AbortSignal;
}): CapabilityState {
  const { derived, overrides, sender } = settings;
  /** Facts seen in responses; they overrule the probe and the overrides. */
  const learned: { n?: false; logprobs?: false; topLogprobs?: false } = {};
  /** The smallest `n` refused in one request, and the largest answered in full. */
  let smallestRefusedN = Number.POSITIVE_INFINITY;
  let largestAcceptedN = 1;
  let probed: ProbedCapabilities | undefined;
  let probing: SharedWork<ProbedCapabilities> | undefined;

  const assemble = (): BackendCapabilities => {
    const result: BackendCapabilities = { ...derived, ...(probed ?? {}), ...overrides, ...learned };
    return result.logprobs ? result : { ...result, topLogprobs: false, watchTokens: false };
  };

  /** Learns from a response whether log-probabilities and their alternatives really come back. */
  const observe = (response: ParsedResponse, request: GenerationRequest, askedLogprobs: boolean) => {
    if (!askedLogprobs) return;
    const texts = response.choices.filter((choice) => choice.text.length > 0);
    if (texts.length > 0 && texts.every((choice) => choice.tokens === undefined)) learned.logprobs = false;
    const withTokens = response.choices.filter((choice) => (choice.tokens?.length ?? 0) > 0);
    if (topLogprobCount(request) > 0 && withTokens.length > 0 && !response.sawTopLogprobs) {
      learned.topLogprobs = false;
    }
  };

  const needsProbe = () =>
    overrides.n === undefined || overrides.logprobs === undefined || overrides.topLogprobs === undefined;

  /**
   * Starts the probe shared by concurrent callers: it stops with the backend, or once every caller waiting
   * on it has aborted. Only a probe that ran to its end is kept; a failure or an abort leaves the next call
   * to probe afresh.
   */
  const startProbe = (): SharedWork<ProbedCapabilities> => {
    const current = shareUntilAbandoned(settings.lifetime, async (signal) => {
      try {
        const result = await probeCapabilities(sender, {
          n: overrides.n === undefined && learned.n === undefined,
          logprobs: overrides.logprobs === undefined || overrides.topLogprobs === undefined,
          kind: settings.probeKind,
          streamed: settings.stream,
          signal,
        });
        // An aborted probe found nothing for certain, even where a round ended without its error.
        signal.throwIfAborted();
        probed = result;
        // The probe asks for two completions.
        if (result.n === true) largestAcceptedN = Math.max(largestAcceptedN, 2);
        return result;
      } catch (error) {
        // A fresh probe may have replaced this abandoned one: that one stays.
        if (probing === current) probing = undefined;
        throw error;
      }
    });
    return current;
  };

  return {
    setting: (key) =>
      overrides[key] === undefined ? derived[key] : (overrides[key] as BackendCapabilities[typeof key]),
    nativeN: (n) => {
      if (learned.n === false) return largestAcceptedN > 1 && n < smallestRefusedN;
      return overrides.n ?? probed?.n ?? true;
    },
    refusedN: (n) => {
      learned.n = false;
      smallestRefusedN = Math.min(smallestRefusedN, n);
    },
    acceptedN: (n) => {
      largestAcceptedN = Math.max(largestAcceptedN, n);
    },
    async send(shape) {
      const logprobs =
        wantsLogprobs(shape.request) && learned.logprobs !== false && overrides.logprobs !== false;
      const watched = shape.watchChoice !== undefined;
      if (watched && !logprobs) throw unwatchable("does not send log-probabilities");
      try {
        const response = await sender.send({ ...shape, logprobs });
        observe(response, shape.request, logprobs);
        // A watcher that never heard a token did not watch: never pass that off as a watched result.
        if (
          watched &&
          response.choices.some((choice) => choice.text.length > 0 && choice.tokens === undefined)
        ) {
          throw unwatchable("sent no log-probabilities in its stream");
        }
        return response;
      } catch (error) {
        if (!logprobs || !sender.refuses(error, "logprobs")) throw error;
        learned.logprobs = false;
        if (watched) throw unwatchable("refused log-probabilities");
        return sender.send({ ...shape, logprobs: false });
      }
    },
    async capabilities(signal) {
      // What is known is answered whatever the signal: it asks the server nothing.
      if (probed !== undefined || !needsProbe()) return assemble();
      // No request after an abort: a probe still to make is not started for a call already aborted.
      signal?.throwIfAborted();
      if (probing === undefined || probing.abandoned) probing = startProbe();
      await probing.wait(signal);
      return assemble();
    },
  };
}
