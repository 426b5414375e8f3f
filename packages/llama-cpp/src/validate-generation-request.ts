import { checkGenerationRequest, requestStopStrings } from "mull";
import { checkInteger, checkNumber, optionError } from "mull/runtime";
import type { GenerationRequest } from "mull/spec";
import { checkTopLogprobs } from "./check-top-logprobs.ts";

/** A generation request with every default filled in and every field checked. */
export interface GenerationPlan {
  readonly n: number;
  /** 0 means greedy. */
  readonly temperature: number;
  readonly topP: number;
  /** 0 disables top-k. */
  readonly topK: number;
  readonly minP: number;
  readonly seed: number | undefined;
  /** The request's stop strings, then its prompt's. */
  readonly stop: readonly string[];
  readonly maxTokens: number | undefined;
  readonly logprobs: boolean;
  /** Alternatives per position; 0 for none. */
  readonly topLogprobs: number;
  readonly grammar: string | undefined;
}

/**
 * Checks a request's sampling fields (first the checks every backend shares, then this backend's own: top-k,
 * min-p, seed, stop strings, a grammar and the vocabulary bound of `topLogprobs`) and fills in this backend's
 * defaults: temperature 1 with top-k, top-p and min-p off (pure temperature sampling, unlike node-llama-cpp's
 * own defaults of top-k 40 and top-p 0.95), no repetition penalty, no token limit but the context. Messages
 * start with `owner`, the backend's name.
 */
export function validateGenerationRequest(
  request: GenerationRequest,
  limits: { readonly owner: string; readonly vocabularySize: number },
): GenerationPlan {
  const { owner } = limits;
  if (typeof request !== "object" || request === null)
    throw optionError(owner, "request", request, "an object");
  checkGenerationRequest(request, owner);
  const { n = 1, temperature = 1, topP = 1, topK = 0, minP = 0, seed, maxTokens } = request;
  checkInteger(owner, "topK", topK, { minimum: 0 });
  checkNumber(owner, "minP", minP, { minimum: 0, maximum: 1 });
  if (seed !== undefined) checkInteger(owner, "seed", seed);
  const stop = request.stop ?? [];
  if (!Array.isArray(stop) || stop.some((item) => typeof item !== "string" || item.length === 0)) {
    throw optionError(owner, "stop", stop, "an array of non-empty strings");
  }
  const topLogprobs = checkTopLogprobs(owner, request.topLogprobs ?? 0, limits.vocabularySize);
  if (request.logprobs !== undefined && typeof request.logprobs !== "boolean") {
    throw optionError(owner, "logprobs", request.logprobs, "a boolean");
  }
  const grammar = request.grammar;
  if (grammar !== undefined && (typeof grammar !== "string" || grammar.trim().length === 0)) {
    throw optionError(owner, "grammar", grammar, "a non-empty GBNF grammar");
  }
  return {
    n,
    temperature,
    topP,
    topK,
    minP,
    seed,
    // The prompt's own stop strings (a few-shot template's next question) hold as the request's do.
    stop: requestStopStrings(request),
    maxTokens,
    logprobs: request.logprobs === true || topLogprobs > 0,
    topLogprobs,
    grammar,
  };
}
