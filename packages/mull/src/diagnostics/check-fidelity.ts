import { checkCapability, checkInteger, checkNumber, seededRng } from "../runtime/index.ts";
import type { Backend, BackendCapabilities, CallOptions, Prompt } from "../spec/index.ts";
import { compareTeacherForced } from "./compare-teacher-forced.ts";
import { detectHiddenTruncation } from "./detect-hidden-truncation.ts";
import { missingFidelityCapabilities } from "./fidelity-capabilities.ts";
import type { FidelityCheck, FidelityVerdict } from "./fidelity-check.ts";
import {
  type FidelitySamplingDefaults,
  samplingDefaultsFinding,
  untruncatedSampling,
} from "./sampling-defaults-finding.ts";

/** Options of {@link checkFidelity}. */
export interface FidelityOptions {
  /** The backend trusted to be right (e.g. the embedded F16 model). */
  readonly reference: Backend;
  /** The backend under test (a server, another export of the weights, …). */
  readonly candidate: Backend;
  /** Prompts both are run on. */
  readonly prompts: readonly Prompt[];
  /** Samples drawn from the candidate per prompt for the sampling check; default 32. */
  readonly samples?: number | undefined;
  /** Tokens per continuation; default 48. */
  readonly maxTokens?: number | undefined;
  /** Strings that end a continuation, on both backends; default none. */
  readonly stop?: readonly string[] | undefined;
  /** Temperature of the sampling check; default 2 (flattens peaked models so their tails get sampled). */
  readonly temperature?: number | undefined;
  /** Seed of the sampling check; default 0. */
  readonly seed?: number | undefined;
  /** Alternatives compared per position; default 5. */
  readonly topK?: number | undefined;
  /** Largest |Δlogprob| counted as the same model; default 1e-4. */
  readonly tolerance?: number | undefined;
  /** False-alarm rate of the sampling check; default 0.001. */
  readonly alpha?: number | undefined;
  /**
   * Largest mean total-variation distance between the two backends' distributions per teacher-forced
   * position (at `temperature`: the least share of sampled tokens any shared noise must change) before the
   * `divergence` check says `differs`; default 2e-4. An F32 export of the lab model measures about 2e-5,
   * a copy with 1% weight noise about 2e-3.
   */
  readonly divergenceThreshold?: number | undefined;
  /** Gumbel noise draws per position of the `divergence` check; default 64. */
  readonly divergenceDraws?: number | undefined;
  /** Aborts the checks between and during backend calls. */
  readonly signal?: AbortSignal | undefined;
}

/** Every check's outcome, and the overall verdict. */
export interface FidelityReport {
  /** `truncated` if any check says so, else `differs` if any does, else `unmeasured` if any is, else `same`. */
  readonly verdict: FidelityVerdict;
  /**
   * The checks that ran (`logprobs`, `greedy`, `sampling`, `divergence`), each with its verdict and figures.
   */
  readonly checks: readonly FidelityCheck[];
  /** How many prompts both backends were run on. */
  readonly prompts: number;
  /** Samples drawn from the candidate per prompt for the sampling check. */
  readonly samples: number;
  /** Seed of the sampling check, so a run can be repeated. */
  readonly seed: number;
  /** Temperature of the sampling check's samples. */
  readonly temperature: number;
  /**
   * Each backend's discovered sampling defaults (llama.cpp's `/props`), which a client that leaves
   * `top_k`, `top_p`, `min_p` or `temperature` out gets, and which of them truncate the distribution; the
   * sampling check sent explicit values (`sent`), so its verdict measures the model, not these defaults.
   * They change no verdict.
   */
  readonly samplingDefaults: FidelitySamplingDefaults;
}

const owner = "checkFidelity";

/**
 * Checks that a candidate backend serves the same model, sampled the same way, as a reference: a
 * teacher-forced comparison of logprobs and greedy tokens (`logprobs`, `greedy`), a test for hidden
 * sampling defaults such as llama.cpp server's top-k 40 / min-p 0.05 (`sampling`), and a Token-DiFR-style
 * divergence (`divergence`): the share of teacher-forced tokens that sampling both backends' distributions
 * with the same Gumbel noise, at the sampling check's temperature, would draw differently.
 *
 * Both backends' capabilities are checked before any check runs: the reference must `score`, the
 * candidate must `score` or give `logprobs` with `topLogprobs`.
 *
 * @throws ConfigError for an option out of range; CapabilityError, before any generation, when the
 *   reference cannot score or the candidate can neither score nor give log-probabilities and alternatives.
 * @example
 * const report = await checkFidelity({ reference, candidate, prompts, samples: 32, seed: 1 });
 * report.verdict; // "same" | "differs" | "truncated" | "unmeasured"
 */
export async function checkFidelity(options: FidelityOptions): Promise<FidelityReport> {
  const samples = checkInteger(owner, "samples", options.samples ?? 32, { minimum: 1, maximum: 4096 });
  const maxTokens = checkInteger(owner, "maxTokens", options.maxTokens ?? 48, { minimum: 1 });
  const seed = checkInteger(owner, "seed", options.seed ?? 0, { minimum: 0 });
  const temperature = checkNumber(owner, "temperature", options.temperature ?? 2, {
    exclusiveMinimum: 0,
    maximum: 5,
  });
  const topK = checkInteger(owner, "topK", options.topK ?? 5, { minimum: 1, maximum: 100 });
  const tolerance = checkNumber(owner, "tolerance", options.tolerance ?? 1e-4, { minimum: 0 });
  const alpha = checkNumber(owner, "alpha", options.alpha ?? 0.001, { exclusiveMinimum: 0, maximum: 1 });
  const shared = {
    reference: options.reference,
    candidate: options.candidate,
    prompts: options.prompts,
    maxTokens,
    stop: options.stop,
    signal: options.signal,
  };
  const threshold = checkNumber(owner, "divergenceThreshold", options.divergenceThreshold ?? 2e-4, {
    minimum: 0,
    maximum: 1,
  });
  const draws = checkInteger(owner, "divergenceDraws", options.divergenceDraws ?? 64, {
    minimum: 1,
    maximum: 10_000,
  });
  const coupled = { temperature, draws, rng: seededRng(seed), threshold };
  const capabilities = await checkCapabilities(options.reference, options.candidate, {
    signal: options.signal,
  });
  const [logprobs, greedy, divergence] = await compareTeacherForced({ ...shared, topK, tolerance, coupled });
  const sampling = await detectHiddenTruncation({ ...shared, samples, seed, alpha, temperature });
  const checks = [logprobs, greedy, sampling, divergence].filter(
    (check): check is FidelityCheck => check !== undefined,
  );
  return {
    verdict: overallFidelityVerdict(checks),
    checks,
    prompts: options.prompts.length,
    samples,
    seed,
    temperature,
    samplingDefaults: {
      sent: {
        temperature,
        top_k: untruncatedSampling.topK,
        top_p: untruncatedSampling.topP,
        min_p: untruncatedSampling.minP,
      },
      reference: samplingDefaultsFinding(
        capabilities.reference.samplingDefaults,
        options.reference.describe(),
      ),
      candidate: samplingDefaultsFinding(
        capabilities.candidate.samplingDefaults,
        options.candidate.describe(),
      ),
    },
  };
}

/**
 * The verdict of a set of checks: `truncated` if any says so, else `differs` if any does, else `unmeasured`
 * if any compared nothing, else `same` (so an empty set is `unmeasured`, never `same`).
 */
export function overallFidelityVerdict(checks: readonly FidelityCheck[]): FidelityVerdict {
  for (const verdict of ["truncated", "differs", "unmeasured"] as const) {
    if (checks.some((check) => check.verdict === verdict)) return verdict;
  }
  return checks.length === 0 ? "unmeasured" : "same";
}

/**
 * Both backends' capabilities, after refusing, before any generation, a backend that lacks what a check
 * needs (`CapabilityError`).
 */
async function checkCapabilities(
  reference: Backend,
  candidate: Backend,
  call: CallOptions,
): Promise<Record<"reference" | "candidate", BackendCapabilities>> {
  const capabilities = {
    reference: await reference.capabilities(call),
    candidate: await candidate.capabilities(call),
  };
  const [missing] = missingFidelityCapabilities(capabilities.reference, capabilities.candidate);
  if (missing === undefined) return capabilities;
  const backend = missing.backend === "reference" ? reference : candidate;
  checkCapability(backend, capabilities[missing.backend], missing.capability, missing.requiredBy);
  return capabilities;
}
