import { createHash } from "node:crypto";
import type { RunLocation } from "../store/index.ts";

/** The queue `mull bench --queue` and `mull worker` use unless told another (`--queue-name`). */
export const defaultQueueName = "mull-bench";

/** The BullMQ job name of a (problem, strategy) pair. */
export const pairJobName = "pair";

/**
 * What a worker needs to run one (problem, strategy) pair of a stored run. The recipe is the bench
 * options that determine results, as JSON and without secrets (API keys come from the worker's own
 * environment); the worker rebuilds the run from it and refuses the job if the configuration hash it
 * computes differs from the stored run's.
 */
export interface PairJobData {
  /**
   * Where the run is stored (`jobRunLocation`): a run directory (SQLite), seen by every worker at the same
   * path, or a named run in PostgreSQL whose URL has its password redacted (workers bring their own).
   * Jobs enqueued before locations were objects hold the directory as a plain string.
   */
  readonly store: RunLocation | string;
  readonly runId: string;
  readonly problemId: string;
  /** The strategy's name in the run, e.g. `sc@8` or `sc@8@t1.0`. */
  readonly strategy: string;
  readonly recipe: Readonly<Record<string, unknown>>;
}

/** What a worker returns for a recorded pair (BullMQ keeps it as the job's return value). */
export interface PairJobResult {
  readonly problemId: string;
  readonly strategy: string;
  /** Undefined when the store held the pair's result before the job ran it (it was not solved again). */
  readonly correct: boolean | undefined;
  /** False when the pair was already recorded (a re-run after a stalled job): nothing was added. */
  readonly fresh: boolean;
}

/**
 * The job id of a pair: the same for the same (run id, problem id, strategy), so enqueuing a run twice
 * adds nothing (BullMQ keeps one job per id). BullMQ refuses ids that are integers or hold `:`, so it is
 * a hex digest behind a `pair-` prefix.
 *
 * @example
 * pairJobId("run-20260101T000000Z-abc123", "gsm8k-17", "sc@8"); // "pair-3f…" (40 hex digits)
 */
export function pairJobId(runId: string, problemId: string, strategy: string): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([runId, problemId, strategy]))
    .digest("hex");
  return `pair-${digest.slice(0, 40)}`;
}
