import type { BackendCapabilities } from "../spec/index.ts";

/**
 * What a backend every fidelity check can run on offers: text completions, scoring (teacher forcing),
 * log-probabilities with up to `maxTopLogprobs` alternatives, seeds and `top_k`.
 */
export function fidelityCapabilities(maxTopLogprobs = 20): BackendCapabilities {
  return {
    n: true,
    logprobs: true,
    topLogprobs: true,
    maxTopLogprobs,
    promptLogprobs: false,
    score: true,
    seed: true,
    chat: false,
    completion: true,
    continuePrefix: false,
    grammar: false,
    topK: true,
    watchTokens: false,
  };
}
