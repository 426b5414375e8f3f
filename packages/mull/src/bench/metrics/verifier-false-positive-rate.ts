import type { ProblemResult } from "../run-data.ts";

/** How often a verifier accepted a wrong answer (Inference Scaling fLaws). */
export interface VerifierErrorRates {
  /** Results where the verifier's verdict on the chosen answer was recorded. */
  readonly judged: number;
  /** Chosen answers the verifier accepted. */
  readonly accepted: number;
  /** Accepted chosen answers that are wrong. */
  readonly falsePositives: number;
  /** falsePositives / accepted; `undefined` when nothing was accepted. */
  readonly falsePositiveRate: number | undefined;
  /** Chosen answers the verifier rejected. */
  readonly rejected: number;
  /** Rejected chosen answers that are in fact correct. */
  readonly falseNegatives: number;
}

/**
 * The verifier's false-positive rate over a strategy's results: the fraction of accepted chosen answers
 * that are wrong. Only results with `verifierAccepted` recorded count; `undefined` when there are none
 * (the strategy does not use a verifier).
 *
 * @example
 * const rates = verifierFalsePositiveRate(results.filter((result) => result.strategy === "bon@8"));
 * rates?.falsePositiveRate; // e.g. 0.12
 */
export function verifierFalsePositiveRate(results: readonly ProblemResult[]): VerifierErrorRates | undefined {
  const judged = results.filter((result) => result.verifierAccepted !== undefined);
  if (judged.length === 0) return undefined;
  const accepted = judged.filter((result) => result.verifierAccepted === true);
  const rejected = judged.filter((result) => result.verifierAccepted === false);
  const falsePositives = accepted.filter((result) => !result.correct).length;
  return {
    judged: judged.length,
    accepted: accepted.length,
    falsePositives,
    falsePositiveRate: accepted.length === 0 ? undefined : falsePositives / accepted.length,
    rejected: rejected.length,
    falseNegatives: rejected.filter((result) => result.correct).length,
  };
}
