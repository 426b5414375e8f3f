import type { StopReason, Usage } from "../spec/index.ts";

/** What a block that calls a model on a run's behalf reports besides what it made. */
export interface RecordedOutcome {
  /** `complete`, or the limit that prevented or cut the work (`calls`, `tokens`, `time`, `abort`, …). */
  readonly stoppedBy: StopReason;
  /** Usage of the calls made, as charged to the budget. */
  readonly usage: Usage;
}
