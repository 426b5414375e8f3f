/** One row of `npm run bench:search`'s table: a strategy with one reward model at one N, over every problem. */
export interface SearchRow {
  /** The strategy's name (`pf@4`, `beam@8x4`, `astar@2`). */
  readonly strategy: string;
  /** Its family: `greedy`, `single`, `pass`, `maj`, `bon`, `beam`, `dvts`, `pf` (`pf/T2` at another temperature), `astar`, `mcts`, `tot`. */
  readonly family: string;
  /** N, the samples' worth of tokens it was capped at (A*'s K). */
  readonly n: number;
  /** The reward model that guided it (`exact`, `noisy`, …), `outcome` for pass@N, `-` for none. */
  readonly prm: string;
  /** Share of problems answered right, 0 to 1. */
  readonly accuracy: number;
  readonly tokensPerProblem: number;
  readonly prmPassesPerProblem: number;
  readonly prmCallsPerProblem: number;
  /** Generated tokens per right answer; undefined when none was right. */
  readonly tokensPerCorrect: number | undefined;
  /** Share of problems the token cap cut short. */
  readonly partialShare: number;
  /** Problems whose run failed with an error (counted as wrong, with no tokens). */
  readonly failures: number;
}

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;

/**
 * The targets of `npm run bench:search`, one line each, for the strategies that ran: particle filtering at
 * N against best-of-N at 4N with the same reward model (pass@4N for the exact one), the best guided search
 * within majority vote's tokens against it, and the A*-decoding that reaches particle filtering's accuracy
 * with the fewest tokens. A target whose strategies did not all run (`--strategies maj,pf,beam` runs no
 * A*) gets no line; rows with failed problems are left out, and a line says which. With no target to
 * check, one line says so.
 *
 * @example
 * const lines = searchVerdicts(rows, options.rewardModels, options.sizes);
 */
export function searchVerdicts(
  rows: readonly SearchRow[],
  rewardModels: readonly string[],
  sizes: readonly number[],
): string[] {
  const lines: string[] = [];
  // A row with failed problems counts them as wrong with no tokens, so the targets leave it out.
  const measured = rows.filter((row) => row.failures === 0);
  const failed = rows.filter((row) => row.failures > 0);
  if (failed.length > 0) {
    lines.push(
      `- left out of the targets, some problems failed: ${failed.map((row) => `${row.strategy} (${row.prm})`).join(", ")}`,
    );
  }
  const find = (family: string, n: number, prm: string) =>
    measured.find((row) => row.family === family && row.n === n && row.prm === prm);
  let verdicts = 0;
  for (const prmName of rewardModels) {
    const aStar = measured.filter((row) => row.family === "astar" && row.prm === prmName);
    for (const n of sizes) {
      const filter = find("pf", n, prmName);
      const bon = prmName === "exact" ? find("pass", 4 * n, "outcome") : find("bon", 4 * n, prmName);
      if (filter !== undefined && bon !== undefined) {
        lines.push(
          `- pf@${n} ${percent(filter.accuracy)} vs ${bon.strategy} ${percent(bon.accuracy)} (${prmName}): ` +
            `${filter.accuracy >= bon.accuracy ? "met" : "missed"}`,
        );
        verdicts += 1;
      }
      const majority = measured.find((row) => row.family === "maj" && row.n === n);
      // At equal tokens: the searches run at N, and any A* that spent no more than maj@N.
      const guided = [
        ...["pf", "beam", "dvts"].map((family) => find(family, n, prmName)),
        ...aStar.filter((row) => row.tokensPerProblem <= (majority?.tokensPerProblem ?? 0)),
      ].filter((row) => row !== undefined);
      if (majority !== undefined && guided.length > 0) {
        const best = guided.reduce((top, row) => (row.accuracy > top.accuracy ? row : top));
        lines.push(
          `- best guided search within maj@${n}'s tokens (${prmName}): ${best.strategy} ${percent(best.accuracy)} vs maj@${n} ` +
            `${percent(majority.accuracy)}: ${best.accuracy > majority.accuracy ? "met" : "missed"}`,
        );
        verdicts += 1;
      }
      // Only an A* that ran can have missed: without one there is nothing to judge.
      if (filter !== undefined && aStar.length > 0) {
        const reaching = aStar
          .filter((row) => row.accuracy >= filter.accuracy)
          .sort((a, b) => a.tokensPerProblem - b.tokensPerProblem)[0];
        lines.push(
          reaching === undefined
            ? `- A* never reached pf@${n}'s ${percent(filter.accuracy)} (${prmName}): missed`
            : `- ${reaching.strategy} reaches pf@${n}'s ${percent(filter.accuracy)} with ` +
                `${(filter.tokensPerProblem / reaching.tokensPerProblem).toFixed(2)}x fewer tokens (${prmName}): ` +
                `${filter.tokensPerProblem >= 2 * reaching.tokensPerProblem ? "met" : "missed"}`,
        );
        verdicts += 1;
      }
    }
  }
  if (verdicts === 0) {
    lines.push(
      "- none checked: the targets compare pf@N with best-of-4N (pass@4N for exact) and with A*, and guided search with maj@N; none of those pairs ran",
    );
  }
  return lines;
}
