/**
 * Alternatives per token that the logprob-based measures (confidence, self-certainty, stability, entropy)
 * ask for when not told: 20, the most OpenAI's `top_logprobs` and vLLM's default `max_logprobs` allow.
 */
export const defaultTopLogprobs = 20;
