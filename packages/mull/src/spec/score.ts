/** What a score measures. */
export type ScoreKind = "outcome" | "process" | "confidence" | "judge" | "probability";

/** A score given to a candidate by a scorer. Higher is better. */
export interface Score {
  /** Name of the scorer, e.g. `checker`, `judge:gpt-4o`, `reward-model:qwen-rm`. */
  readonly scorer: string;
  /** What it measures, as the scorer says. */
  readonly kind: ScoreKind;
  /** The aggregate value used for ranking; higher is better. */
  readonly value: number;
  /** Per-step rewards, for process scores. */
  readonly steps?: readonly number[] | undefined;
  /** Free-form explanation (a judge's verdict, a checker's failing step). */
  readonly detail?: string | undefined;
}
