import { holdsRunFiles, isSearchOutput, searchStageNames } from "./search-output.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Refuses a run directory that holds the other kind of `mull bench` output, before any work: a
 * `--search` output for a plain run (whose database would land beside the stages, and `mull report` would
 * then read it instead of them), or a plain run for `--search` (whose stages would land beside the run).
 * Either way the message names `--search`: added or dropped, it continues what the directory holds.
 *
 * @throws UsageError naming `--search` and the directory.
 * @example
 * refuseMixedBenchOutput("runs/search", { search: false });
 * // throws: --out "runs/search" holds a mull bench --search output (round-1, …), not a run: add --search …
 */
export function refuseMixedBenchOutput(directory: string, options: { readonly search: boolean }): void {
  const where = `--out ${JSON.stringify(directory)}`;
  if (!options.search && isSearchOutput(directory)) {
    const stages = searchStageNames(directory);
    const held = stages.length === 0 ? "" : ` (${stages.join(", ")})`;
    throw new UsageError(
      `${where} holds a mull bench --search output${held}, not a run: add --search (with --resume) to ` +
        "continue that search, or give another --out for a run",
      "--search",
    );
  }
  if (options.search && holdsRunFiles(directory)) {
    throw new UsageError(
      `${where} holds a mull bench run, not a --search output: drop --search (with --resume) to continue ` +
        "that run, or give another --out for the search",
      "--search",
    );
  }
}
