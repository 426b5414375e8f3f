import type { RunData } from "../run-data.ts";

/**
 * The strategies of a run in a stable order: those named in the manifest first, in its order, then any
 * other strategy that has results or samples, in order of first appearance. Strategies with no results
 * and no samples are left out.
 */
export function strategyOrder(run: RunData): string[] {
  const present = new Set<string>();
  for (const result of run.results) present.add(result.strategy);
  for (const sample of run.samples) present.add(sample.strategy);
  const ordered = run.manifest.strategies.filter((strategy) => present.has(strategy));
  for (const strategy of present) if (!ordered.includes(strategy)) ordered.push(strategy);
  return ordered;
}
