import type { StrategyCoverage } from "../bench/metrics/index.ts";

function samplesText(fewest: number, most: number): string {
  if (fewest === most) return `${fewest} sample${fewest === 1 ? "" : "s"} on every problem`;
  return `${fewest} to ${most} samples a problem`;
}

/**
 * What the coverage plot leaves out and where its curves stop, as plain text: the strategies without a
 * curve and why (no samples recorded, or a problem with a single sample), and, since a curve runs only up
 * to its strategy's fewest samples on any problem, the strategies that drew more on some problems and so
 * stop short of their largest count. Empty when nothing is left out or cut short.
 *
 * @example
 * coverageNotes(strategyCoverage(run), strategyOrder(run));
 * // "Left out, as a curve needs 2 or more samples on every problem: greedy (1 sample on every problem). …"
 */
export function coverageNotes(curves: readonly StrategyCoverage[], strategies: readonly string[]): string {
  const byStrategy = new Map(curves.map((curve) => [curve.strategy, curve]));
  const leftOut = strategies.flatMap((strategy) => {
    const curve = byStrategy.get(strategy);
    if (curve === undefined) return [`${strategy} (no samples recorded)`];
    return curve.maxK >= 2 ? [] : [`${strategy} (${samplesText(curve.maxK, curve.mostSamples)})`];
  });
  const cut = curves
    .filter((curve) => curve.maxK >= 2 && curve.mostSamples > curve.maxK)
    .map(
      (curve) =>
        `${curve.strategy} drew ${curve.maxK} to ${curve.mostSamples}, so stops at k = ${curve.maxK}`,
    );
  const sentences = [
    ...(leftOut.length === 0
      ? []
      : [`Left out, as a curve needs 2 or more samples on every problem: ${leftOut.join(", ")}.`]),
    ...(cut.length === 0
      ? []
      : [
          "Each curve runs only up to its strategy's fewest samples on any problem, since pass@k is estimated from a problem's samples only for k up to their number: " +
            `${cut.join("; ")}.`,
        ]),
  ];
  return sentences.join(" ");
}
