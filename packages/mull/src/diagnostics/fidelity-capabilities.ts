import type { RequirableCapability } from "../runtime/index.ts";
import type { BackendCapabilities } from "../spec/index.ts";

/** A capability one of the two backends of `checkFidelity` lacks, and the check that cannot run without it. */
export interface MissingFidelityCapability {
  /** The backend that lacks it. */
  readonly backend: "reference" | "candidate";
  /** The capability, as named in `BackendCapabilities`. */
  readonly capability: RequirableCapability;
  /** Who needs it, e.g. `fidelity sampling check`. */
  readonly requiredBy: string;
  /** What the check does with it, to say why it is needed. */
  readonly use: string;
}

/**
 * The capabilities `checkFidelity` needs and the backends lack, reference first, so that both can be
 * refused before any check runs:
 * - the reference needs `score`: the `sampling` check scores every sample the candidate draws on it;
 * - the candidate needs `score`, or else `logprobs`: the `logprobs`, `greedy` and `divergence` checks
 *   read its teacher-forced log-probabilities from one or the other, and a candidate that gives neither
 *   would be compared over no token at all (and pass). Its `topLogprobs` is not asked: a probe on the
 *   chat endpoint can miss alternatives that the text completions the checks send do return.
 *
 * @returns none when both can take every check.
 * @example
 * missingFidelityCapabilities(await reference.capabilities(), await candidate.capabilities());
 * // [{ backend: "reference", capability: "score", requiredBy: "fidelity sampling check", use: "…" }]
 */
export function missingFidelityCapabilities(
  reference: BackendCapabilities,
  candidate: BackendCapabilities,
): MissingFidelityCapability[] {
  const missing: MissingFidelityCapability[] = [];
  if (!reference.score) {
    missing.push({
      backend: "reference",
      capability: "score",
      requiredBy: "fidelity sampling check",
      use: "it scores each of the candidate's samples on the reference",
    });
  }
  if (!candidate.score && !candidate.logprobs) {
    missing.push({
      backend: "candidate",
      capability: "logprobs",
      requiredBy: "fidelity logprobs check",
      use: "a candidate without score is compared through its greedy generation's log-probabilities",
    });
  }
  return missing;
}
