import type { RunData } from "../bench/index.ts";
import { strategyOrder, sumKnown, tokensByModel } from "../bench/metrics/index.ts";
import { decimal, percentText, table, whole } from "./html-blocks.ts";

function perProblem(value: number | undefined, problems: number): number | undefined {
  return value === undefined ? undefined : value / problems;
}

/**
 * The tokens each model spent for a run's routing strategies: per strategy and model, prompt and completion
 * tokens and calls per problem, and the model's share of the strategy's tokens. `undefined` when no strategy
 * of the run records tokens by model.
 *
 * @example
 * const html = modelTokensTable(run); // rows "cascade-mass@2x8 | lab-v2-large | …", "… | lab-v2-small | …"
 */
export function modelTokensTable(run: RunData): string | undefined {
  const rows: string[][] = [];
  for (const strategy of strategyOrder(run)) {
    const results = run.results.filter((result) => result.strategy === strategy);
    const byModel = tokensByModel(results);
    if (byModel === undefined) continue;
    const total = sumKnown(Object.values(byModel).map((tokens) => tokens.total));
    for (const [model, tokens] of Object.entries(byModel)) {
      rows.push([
        strategy,
        model,
        whole(perProblem(tokens.prompt, results.length)),
        whole(perProblem(tokens.completion, results.length)),
        decimal(tokens.calls / results.length),
        total === undefined || tokens.total === undefined || total === 0
          ? "unknown"
          : percentText(tokens.total / total),
      ]);
    }
  }
  if (rows.length === 0) return undefined;
  return table(
    [
      "strategy",
      "model",
      "prompt tokens / problem",
      "completion tokens / problem",
      "calls / problem",
      "share of its tokens",
    ],
    rows,
    "models",
  );
}
