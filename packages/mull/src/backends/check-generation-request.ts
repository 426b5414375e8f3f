import { checkInteger, checkNumber, checkPositive, optionError } from "../runtime/index.ts";
import type { GenerationRequest } from "../spec/index.ts";

/**
 * Checks the sampling numbers every backend reads the same way, those it was given (an absent field takes
 * the backend's own default): `n` and `maxTokens` are integers ≥ 1, `topLogprobs` an integer ≥ 0,
 * `temperature` a number ≥ 0, `topP` the share of probability mass kept, in (0, 1]: 0 would keep
 * nothing, and `stop` and the prompt's `stop` arrays of non-empty strings (a lone string is refused, not
 * read as its letters).
 * A backend checks its own extras (top-k, grammar, a vocabulary bound, …) after it.
 *
 * Fields are named `<prefix>.<field>`, or the bare field when `prefix` is empty.
 *
 * @throws ConfigError naming the field, e.g. `generate: request.n must be an integer ≥ 1, got 0`.
 * @example
 * checkGenerationRequest(request, "generate", "request");
 */
export function checkGenerationRequest(request: GenerationRequest, owner: string, prefix = ""): void {
  const field = (name: string): string => (prefix === "" ? name : `${prefix}.${name}`);
  const { n, maxTokens, topLogprobs, temperature, topP } = request;
  if (n !== undefined) checkInteger(owner, field("n"), n, { minimum: 1 });
  if (maxTokens !== undefined) checkInteger(owner, field("maxTokens"), maxTokens, { minimum: 1 });
  if (topLogprobs !== undefined) checkInteger(owner, field("topLogprobs"), topLogprobs, { minimum: 0 });
  if (temperature !== undefined) checkNumber(owner, field("temperature"), temperature, { minimum: 0 });
  if (topP !== undefined)
    checkNumber(owner, field("topP"), checkPositive(owner, field("topP"), topP), { maximum: 1 });
  const isStopList = (stop: unknown): boolean =>
    Array.isArray(stop) && stop.every((item) => typeof item === "string" && item.length > 0);
  const { stop } = request;
  if (stop !== undefined && !isStopList(stop)) {
    throw optionError(owner, field("stop"), stop, "an array of non-empty strings");
  }
  const promptStop: unknown = request.prompt?.stop;
  if (promptStop !== undefined && !isStopList(promptStop)) {
    throw optionError(owner, field("prompt.stop"), promptStop, "an array of non-empty strings");
  }
}
