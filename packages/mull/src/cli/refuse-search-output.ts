import { join } from "node:path";
import { isSearchOutput, searchStageNames } from "./search-output.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Refuses a `mull bench --search` output where one run is read (`mull report`, `mull replay --run`),
 * naming the runs it holds, one of which the command takes.
 *
 * @param argument the argument that named the directory (`<run-dir>`, `--run`)
 * @param command what the command does with a run, for the message (`report`, `replay`)
 * @throws UsageError naming the argument and the directory.
 * @example
 * refuseSearchOutput("runs/search", "--run", "replay");
 * // throws: --run "runs/search" is a mull bench --search output, not a run; replay one of its runs: runs/search/round-1, …
 */
export function refuseSearchOutput(directory: string, argument: string, command: string): void {
  if (!isSearchOutput(directory)) return;
  const runs = searchStageNames(directory);
  const which =
    runs.length === 0
      ? "its runs (round-1, holdout-1-1, …) are missing"
      : `${command} one of its runs: ${runs.map((name) => join(directory, name)).join(", ")}`;
  throw new UsageError(
    `${argument} ${JSON.stringify(directory)} is a mull bench --search output, not a run; ${which}`,
    argument,
  );
}
