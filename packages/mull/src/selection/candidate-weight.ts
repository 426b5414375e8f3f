import type { Candidate } from "../spec/index.ts";

/** How much a candidate's vote weighs in `weightedVote`. */
export interface CandidateWeight {
  /** Short name, shown in the vote event's method (`weighted:<name>`). */
  readonly name: string;
  /**
   * `linear`: weights are summed per answer. `log`: weights are log-probabilities, summed per answer as
   * probabilities (log-sum-exp), so long sequences do not underflow.
   */
  readonly scale: "linear" | "log";
  /** The weight, or `undefined` when the candidate cannot be weighed (it does not vote). */
  of(candidate: Candidate): number | undefined;
}
