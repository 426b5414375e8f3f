import type { StepAggregation } from "../process-rewards/index.ts";
import type { ProcessRewardModel } from "../spec/index.ts";
import type { StepFormat } from "../steps/index.ts";

/**
 * How a search picks its answer among the complete solutions it found:
 * - `best`: the solution with the highest process reward (aggregated; the first on ties);
 * - `weighted-vote`: each solution votes for its answer with its reward;
 * - `majority`: each solution votes once.
 */
export type FinalSelection = "best" | "weighted-vote" | "majority";

/** Options every step-level search takes. */
export interface SearchOptions {
  /** The process reward model that guides the search. */
  readonly prm: ProcessRewardModel;
  /** How a partial solution's step rewards become its value; each strategy documents its default. */
  readonly aggregation?: StepAggregation | undefined;
  /**
   * How a complete solution's step rewards are combined for the final pick among complete solutions
   * (`select`); default `mean`, which a single wrong verdict of a noisy PRM moves least. The search itself
   * ranks partial solutions by `aggregation`.
   */
  readonly finalAggregation?: StepAggregation | undefined;
  /** How the answer is picked among complete solutions; each strategy documents its default. */
  readonly select?: FinalSelection | undefined;
  /** Sampling temperature of the steps; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
  /** How steps are delimited; default one per line with a final `####` line. */
  readonly format?: StepFormat | undefined;
  /** Longest solution, in steps: a partial that reaches it counts as complete. Default 40. */
  readonly maxSteps?: number | undefined;
  /** Most tokens of one step; default 256 (never more than what `maxSolutionTokens` leaves). */
  readonly maxStepTokens?: number | undefined;
  /**
   * Most generated tokens of one whole solution, as `maxTokens` bounds a sampled one; default the run's
   * `maxTokens` (none when unset). A step gets at most what is left, and a partial solution that used it all
   * counts as complete (finish reason `length`).
   */
  readonly maxSolutionTokens?: number | undefined;
}
