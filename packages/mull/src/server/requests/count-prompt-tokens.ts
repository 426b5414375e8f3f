import type { Prompt } from "../../spec/index.ts";
import type { ServerConfig } from "../config/index.ts";
import type { ServedModel } from "../upstreams/index.ts";

/**
 * How far over the model's context window (or the per-request token cap, if lower) a prompt's estimate
 * may be and still be counted: beyond it the prompt would need more than twice the characters per token
 * the estimate assumes to fit, and its refusal on the estimate stands. It bounds what counting costs: a
 * tokenization, in this process, of at most 2 × window × `charactersPerToken` characters. Measured on the
 * lab models' tokenizer: under a millisecond for their 256-token window (2,048 characters at most), about
 * 18 ms for 65,536 characters, and 0.3 to 0.5 s for 262,144 (the most a 32k-token window counts), far less
 * than evaluating such a prompt would take.
 */
export const countedEstimateFactor = 2;

/** Whether a prompt of `estimatedPromptTokens` on `served` is worth counting (see `countedEstimateFactor`). */
function worthCounting(
  served: ServedModel,
  estimatedPromptTokens: number,
  limits: ServerConfig["limits"],
): boolean {
  const limit = Math.min(served.contextWindow ?? Number.POSITIVE_INFINITY, limits.maxRequestTokens);
  return estimatedPromptTokens <= countedEstimateFactor * limit;
}

/**
 * A prompt's tokens as the served model's backend counts them (`Backend.countTokens`, the embedded
 * engine), or `undefined` where the estimate from its characters must do: the backend cannot count, the
 * estimate is beyond `countedEstimateFactor` times the model's context window (or the per-request token
 * cap), or counting failed (a prompt the backend cannot render, which its call refuses with its own message).
 *
 * @throws the signal's reason when `signal` aborts while counting.
 * @example
 * const { served, prompt, estimatedPromptTokens } = requestPromptOf("chat", body, models, limits);
 * const promptTokens = (await countPromptTokens(served, prompt, estimatedPromptTokens, limits, signal)) ?? estimatedPromptTokens;
 */
export async function countPromptTokens(
  served: ServedModel,
  prompt: Prompt,
  estimatedPromptTokens: number,
  limits: ServerConfig["limits"],
  signal?: AbortSignal | undefined,
): Promise<number | undefined> {
  const count = served.backend.countTokens?.bind(served.backend);
  if (count === undefined || !worthCounting(served, estimatedPromptTokens, limits)) return undefined;
  try {
    return await count(prompt, { signal });
  } catch {
    if (signal?.aborted === true) throw signal.reason;
    return undefined;
  }
}
