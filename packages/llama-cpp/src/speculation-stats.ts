/** What speculative decoding has done over a backend's life, to judge whether it pays. */
export interface SpeculationStats {
  /** How tokens are predicted: by a draft model or by prompt lookup. */
  readonly kind: "draft" | "prompt-lookup";
  /** The draft model's name (lab model) or file name, for `kind: "draft"`. */
  readonly draftModel?: string | undefined;
  /** Greedy completions decoded with a predictor. */
  readonly completions: number;
  /** Predicted tokens the model checked. */
  readonly checkedTokens: number;
  /** Of those, the tokens the model would have generated itself (kept without an evaluation of their own). */
  readonly acceptedTokens: number;
  /** `acceptedTokens / checkedTokens`; `undefined` before any check. */
  readonly acceptanceRate: number | undefined;
}
