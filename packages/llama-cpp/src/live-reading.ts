import { ConfigError } from "mull/errors";
import { describeValue } from "mull/runtime";
import { fullDistributionLimit } from "./read-distribution.ts";
import type { GenerationPlan } from "./validate-generation-request.ts";

/** How a completion's raw-distribution logprobs are read while it is generated. */
export interface LiveReading {
  /** Ask for the whole next-token distribution at each token (else the sampled token's probability only). */
  readonly probabilities: boolean;
  /** The sampler's temperature to undo; 1 when its distribution is the raw one already. */
  readonly temperature: number;
}

/** Why logprobs cannot be read while generating: the setting in the way, and what would allow it. */
export interface LiveReadingBlocker {
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;
}

/**
 * Whether `plan`'s sampler lets raw-distribution logprobs be read as tokens are generated, and how: the
 * sampler's distribution is the raw one under greedy decoding or temperature 1 without truncation; under
 * any other pure temperature (top-k, top-p and min-p off, no grammar) the raw one is recovered from the
 * whole tempered distribution, which is read only on a vocabulary of at most `fullDistributionLimit`
 * tokens (as are top alternatives). Any truncation or grammar changes the distribution beyond recovery.
 */
export function liveReading(plan: GenerationPlan, vocabularySize: number): LiveReading | LiveReadingBlocker {
  const small = vocabularySize <= fullDistributionLimit;
  const pure = "pure temperature sampling (top-k 0, top-p 1, min-p 0, no grammar) or greedy decoding";
  if (plan.grammar !== undefined)
    return { field: "grammar", value: "a grammar", expected: `no grammar (${pure})` };
  if (plan.temperature !== 0) {
    if (plan.topK !== 0 && plan.topK < vocabularySize)
      return { field: "topK", value: plan.topK, expected: `0 (${pure})` };
    if (plan.topP < 1) return { field: "topP", value: plan.topP, expected: `1 (${pure})` };
    if (plan.minP > 0) return { field: "minP", value: plan.minP, expected: `0 (${pure})` };
  }
  const raw = plan.temperature === 0 || plan.temperature === 1;
  const probabilities = plan.topLogprobs > 0 || !raw;
  if (probabilities && !small) {
    return raw
      ? {
          field: "topLogprobs",
          value: plan.topLogprobs,
          expected: `0 on a vocabulary of more than ${fullDistributionLimit} tokens (${vocabularySize} here)`,
        }
      : {
          field: "temperature",
          value: plan.temperature,
          expected: `0 or 1 on a vocabulary of more than ${fullDistributionLimit} tokens (${vocabularySize} here)`,
        };
  }
  return { probabilities, temperature: raw ? 1 : plan.temperature };
}

/** Whether `liveReading` found a way. */
export function isLiveReading(reading: LiveReading | LiveReadingBlocker): reading is LiveReading {
  return "probabilities" in reading;
}

/**
 * Checks that a request with a token watcher can be watched: the watcher needs each token's logprob as it is
 * generated, and this backend never teacher forces behind a watcher's back.
 *
 * @throws ConfigError naming the sampling setting that keeps logprobs from being read live.
 */
export function requireLiveReading(owner: string, plan: GenerationPlan, vocabularySize: number): LiveReading {
  const reading = liveReading(plan, vocabularySize);
  if (isLiveReading(reading)) return reading;
  throw new ConfigError(
    `${owner}: a token watcher needs logprobs read while generating, so ${reading.field} must be ${reading.expected}, got ${describeValue(reading.value)}`,
    { field: reading.field },
  );
}
