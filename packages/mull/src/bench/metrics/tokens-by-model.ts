import type { ProblemResult } from "../run-data.ts";
import { sumKnown } from "./sum-known.ts";

/** Tokens one model spent for a routing strategy over a run; `undefined` where a result did not report them. */
export interface ModelTokens {
  readonly prompt: number | undefined;
  readonly completion: number | undefined;
  readonly total: number | undefined;
  /** Mean prompt plus completion tokens per problem (over every problem of the strategy). */
  readonly perProblem: number | undefined;
  readonly calls: number;
}

/**
 * The tokens each model spent over one strategy's results, by the model names their `usageByModel`
 * records (a routing strategy's); a result that does not name a model spent nothing on it. `undefined`
 * when no result records tokens by model.
 *
 * @example
 * tokensByModel(run.results.filter((result) => result.strategy === "cascade-mass@2x8"));
 * // { "lab-v2-large": { total: 27120, perProblem: 226, … }, "lab-v2-small": { … } }
 */
export function tokensByModel(
  results: readonly ProblemResult[],
): Readonly<Record<string, ModelTokens>> | undefined {
  const split = results.filter((result) => result.usageByModel !== undefined);
  if (split.length === 0) return undefined;
  const models = [...new Set(split.flatMap((result) => Object.keys(result.usageByModel!)))].sort();
  return Object.fromEntries(
    models.map((model): [string, ModelTokens] => {
      const usages = results.map(
        (result) => result.usageByModel?.[model] ?? { promptTokens: 0, completionTokens: 0, calls: 0 },
      );
      const prompt = sumKnown(usages.map((usage) => usage.promptTokens));
      const completion = sumKnown(usages.map((usage) => usage.completionTokens));
      const total = prompt === undefined || completion === undefined ? undefined : prompt + completion;
      return [
        model,
        {
          prompt,
          completion,
          total,
          perProblem: total === undefined ? undefined : total / results.length,
          calls: usages.reduce((count, usage) => count + usage.calls, 0),
        },
      ];
    }),
  );
}
