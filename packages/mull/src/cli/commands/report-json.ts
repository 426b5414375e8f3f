import type { PartialRun } from "../../bench/index.ts";
import type { RunLocation } from "../../bench/store/index.ts";
import { locationFields } from "../print-bench-summary.ts";

/**
 * What `mull report --json` prints: where the run is, as `mull bench --json` says it (`directory`, or
 * `run` and `store`), its id, whether it is partial, and the files written.
 */
export interface ReportJson {
  /** The run directory, for a run in SQLite. */
  readonly directory?: string;
  /** The run's name, for a run in PostgreSQL. */
  readonly run?: string;
  /** The database URL, its password redacted, for a run in PostgreSQL. */
  readonly store?: string;
  /** The run's id (its manifest's `runId`). */
  readonly runId: string;
  /**
   * Set when the run is partial (its bench still running, or stopped part-way): pairs `recorded` of those
   * `planned`, the `problems` it planned, each strategy's recorded pairs, and the `statement` also
   * printed on standard error ("The run is partial: 20 of 60 pairs are recorded (…). …"). Absent for a
   * complete run.
   */
  readonly partial?: PartialRun;
  /** The files written: the HTML report first, then the plots' SVG and PNG files. */
  readonly files: readonly string[];
}

/**
 * The JSON `mull report --json` prints for a report of the run at `location`.
 *
 * @example
 * reportJson(parseRunLocation("runs/gsm8k"), run.manifest.runId, undefined, ["runs/gsm8k/report.html"]);
 * // { directory: "runs/gsm8k", runId: "run-…", files: ["runs/gsm8k/report.html"] }
 */
export function reportJson(
  location: RunLocation,
  runId: string,
  partial: PartialRun | undefined,
  files: readonly string[],
): ReportJson {
  return { ...locationFields(location), runId, ...(partial === undefined ? {} : { partial }), files };
}
