import { ConfigError } from "mull/errors";
import type { GenerationRequest } from "mull/spec";

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
  readonly stop: readonly string[];
  readonly maxTokens: number | undefined;
  readonly logprobs: boolean;
  /** Alternatives per position; 0 for none. */
  readonly topLogprobs: number;
  readonly grammar: string | undefined;
}

function fail(field: string, value: unknown, expected: string): never {
  throw new ConfigError(`${field} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`, {
    field,
  });
}

function integerAtLeast(field: string, value: number | undefined, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < minimum) {
    fail(field, value, `an integer >= ${minimum}`);
  }
  return value;
}

function numberIn(
  field: string,
  value: number | undefined,
  low: number,
  high: number,
  lowOpen: boolean,
): number | undefined {
  if (value === undefined) return undefined;
  const aboveLow = lowOpen ? value > low : value >= low;
  if (typeof value !== "number" || !Number.isFinite(value) || !aboveLow || value > high) {
    fail(field, value, `a number in ${lowOpen ? "(" : "["}${low}, ${high}]`);
  }
  return value;
}

/**
 * Checks a request's sampling fields and fills in this backend's defaults: temperature 1 with top-k, top-p and
 * min-p off (pure temperature sampling, unlike node-llama-cpp's own defaults of top-k 40 and top-p 0.95), no
 * repetition penalty, no token limit but the context.
 */
export function validateGenerationRequest(
  request: GenerationRequest,
  limits: { readonly maxTopLogprobs: number },
): GenerationPlan {
  if (typeof request !== "object" || request === null) fail("request", request, "an object");
  const n = integerAtLeast("n", request.n, 1) ?? 1;
  const temperature = request.temperature ?? 1;
  if (typeof temperature !== "number" || !Number.isFinite(temperature) || temperature < 0) {
    fail("temperature", temperature, "a finite number >= 0");
  }
  const topP = numberIn("topP", request.topP, 0, 1, true) ?? 1;
  const topK = integerAtLeast("topK", request.topK, 0) ?? 0;
  const minP = numberIn("minP", request.minP, 0, 1, false) ?? 0;
  const seed = request.seed;
  if (seed !== undefined && (typeof seed !== "number" || !Number.isSafeInteger(seed))) {
    fail("seed", seed, "a safe integer");
  }
  const stop = request.stop ?? [];
  if (!Array.isArray(stop) || stop.some((item) => typeof item !== "string" || item.length === 0)) {
    fail("stop", stop, "an array of non-empty strings");
  }
  const maxTokens = integerAtLeast("maxTokens", request.maxTokens, 1);
  const topLogprobs = integerAtLeast("topLogprobs", request.topLogprobs, 0) ?? 0;
  if (topLogprobs > limits.maxTopLogprobs) {
    fail("topLogprobs", topLogprobs, `at most ${limits.maxTopLogprobs} (the vocabulary size)`);
  }
  if (request.logprobs !== undefined && typeof request.logprobs !== "boolean") {
    fail("logprobs", request.logprobs, "a boolean");
  }
  const grammar = request.grammar;
  if (grammar !== undefined && (typeof grammar !== "string" || grammar.trim().length === 0)) {
    fail("grammar", grammar, "a non-empty GBNF grammar");
  }
  return {
    n,
    temperature,
    topP,
    topK,
    minP,
    seed,
    stop,
    maxTokens,
    logprobs: request.logprobs === true || topLogprobs > 0,
    topLogprobs,
    grammar,
  };
}
