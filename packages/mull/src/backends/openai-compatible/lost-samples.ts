import { addUsage } from "../../budget/usage.ts";
import { BackendCallError, findCause } from "../../errors/index.ts";
import type { GenerationResult, Usage } from "../../spec/index.ts";
import type { ParsedResponse } from "./response-parser.ts";

/**
 * What a failed request had used, as its error tells (`BackendCallError.usage`, anywhere in its chain of
 * causes: the tokens its streams generated before they broke), its prompt count, when the error left it
 * unknown, taken as `prompt` (a finished request of the same call read the same prompt); `undefined` when
 * the error tells nothing (an error status, a refused connection).
 */
function failedRequestUsage(error: unknown, prompt: number | undefined): Usage | undefined {
  const usage = findCause(
    error,
    (cause): cause is BackendCallError => BackendCallError.isInstance(cause) && cause.usage !== undefined,
  )?.usage;
  if (usage === undefined) return undefined;
  return usage.promptTokens === undefined ? { ...usage, promptTokens: prompt } : usage;
}

/**
 * A call's result whose fanned-out requests `lost` samples (their errors, in the order they failed) while
 * the others finished: the completions that came, `lostSamples` saying how many of the request's `n` are
 * missing and the first failure, and a usage that adds what the failed requests had used before they
 * failed (`BackendCallError.usage`), so that the tokens the server generated for them are charged.
 *
 * @example
 * const result = withLostSamples(generationResult(request, picked, responses, model), lost, responses);
 */
export function withLostSamples(
  result: GenerationResult,
  lost: readonly unknown[],
  responses: readonly ParsedResponse[],
): GenerationResult {
  const prompt = responses.find((response) => response.usage?.promptTokens !== undefined)?.usage
    ?.promptTokens;
  const used = lost.flatMap((error) => {
    const usage = failedRequestUsage(error, prompt);
    return usage === undefined ? [] : [usage];
  });
  return {
    ...result,
    usage: used.length === 0 ? result.usage : addUsage(result.usage, ...used),
    lostSamples: { count: lost.length, firstError: lost[0] },
  };
}
