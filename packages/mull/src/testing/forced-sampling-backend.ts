import { optionalMethodsOf } from "../runtime/index.ts";
import type { Backend, GenerationRequest } from "../spec/index.ts";

/** Sampling settings a wrapped backend applies whatever the request says. */
export interface ForcedSampling {
  /** Top-k sent in place of the request's (0 disables it); absent leaves the request's as it is. */
  readonly topK?: number | undefined;
  /** Top-p (nucleus) sent in place of the request's; absent leaves the request's as it is. */
  readonly topP?: number | undefined;
  /** Min-p sent in place of the request's (0 disables it); absent leaves the request's as it is. */
  readonly minP?: number | undefined;
}

/**
 * Wraps a backend so that every generation uses `forced` sampling settings in place of the request's,
 * as a server with hidden defaults does (llama.cpp's `llama-server` applies top-k 40 and min-p 0.05
 * unless told otherwise). Scores are untouched, like a server's logprobs of the raw model, and the other
 * optional methods of `backend` (`countTokens`, `measureRates`) pass through; `dispose` does not, since the
 * wrapper does not own `backend`. A real truncation of a real model's sampling, for testing fidelity checks.
 *
 * @example
 * const truncating = withForcedSampling(backend, { topK: 40, minP: 0.05 });
 */
export function withForcedSampling(backend: Backend, forced: ForcedSampling): Backend {
  const override = (request: GenerationRequest): GenerationRequest => ({
    ...request,
    ...(forced.topK === undefined ? {} : { topK: forced.topK }),
    ...(forced.topP === undefined ? {} : { topP: forced.topP }),
    ...(forced.minP === undefined ? {} : { minP: forced.minP }),
  });
  return {
    describe: () => backend.describe(),
    capabilities: (options) => backend.capabilities(options),
    generate: (request, options) => backend.generate(override(request), options),
    ...optionalMethodsOf(backend),
  };
}
