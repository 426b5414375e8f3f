/**
 * What a fidelity check concluded about the candidate backend:
 * - `same`: no measurable difference from the reference;
 * - `differs`: the candidate's model computes different probabilities or greedy tokens, or its samples
 *   come from a differently shaped distribution than the one asked (e.g. a hidden temperature);
 * - `truncated`: the candidate samples from a cut distribution (hidden top-k / min-p / top-p defaults);
 * - `unmeasured`: the check compared nothing (no token, no continuation, no position with alternatives from
 *   both backends), so it shows neither a difference nor its absence.
 */
export type FidelityVerdict = "same" | "differs" | "truncated" | "unmeasured";

/** The outcome of one fidelity check, with the figures behind it. */
export interface FidelityCheck {
  /** `logprobs`, `greedy` or `sampling`. */
  readonly name: string;
  /** `same`, `differs`, `truncated` or `unmeasured`: what this check found of the candidate against the reference. */
  readonly verdict: FidelityVerdict;
  /** One line saying what was measured and why the verdict. */
  readonly detail: string;
  /** The measured figures, by name (`maxAbsolute`, `argmaxAgreement`, `expected`, `observed`, …). */
  readonly figures: Readonly<Record<string, number | string | undefined>>;
}
