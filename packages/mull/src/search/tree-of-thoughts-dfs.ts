import { z } from "zod";
import { checkInteger, numberSchema } from "../runtime/index.ts";
import type { Strategy } from "../spec/index.ts";
import { checkedByFactory } from "../strategies/option-schemas.ts";
import type { StrategyEntry } from "../strategies/strategy-entry.ts";
import { distinctSteps } from "./distinct-steps.ts";
import { searchEntry } from "./search-entry.ts";
import type { SearchNode } from "./search-node.ts";
import { checkSearchOptions, searchOptionFields } from "./search-option-fields.ts";
import type { SearchOptions } from "./search-options.ts";
import { createSearchRun } from "./search-run.ts";
import { searchParameters } from "./search-settings.ts";
import { searchWorstCase } from "./search-worst-case.ts";

/** Options of `treeOfThoughtsDfs`. */
export interface TreeOfThoughtsDfsOptions extends SearchOptions {
  /** Next steps proposed at each visited state (k). */
  readonly k: number;
  /** States valued below this are pruned (not visited); default 0.5. */
  readonly threshold?: number | undefined;
  /** Times a state proposes k fresh steps when every subtree below it ran dry; default 3. */
  readonly attempts?: number | undefined;
  /** Most expansions before giving up (`condition:max-expansions`); default 64. */
  readonly maxExpansions?: number | undefined;
}

const treeOfThoughtsDfsOptions = z.strictObject({
  k: checkedByFactory,
  threshold: numberSchema().optional(),
  attempts: checkedByFactory,
  maxExpansions: checkedByFactory,
  ...searchOptionFields,
} satisfies Record<keyof TreeOfThoughtsDfsOptions, unknown>);

/**
 * Tree of Thoughts, depth-first with pruning (Yao et al. 2023): a state proposes k next steps (repeated
 * proposals dropped), the PRM values them, those below `threshold` are pruned and the rest are visited
 * best first, recursively. When every subtree below a state ran dry, the state proposes k fresh steps, up
 * to `attempts` times, before the search backtracks. The search stops at the first complete solution that
 * passes the threshold, or when the budget or `maxExpansions` runs out (then it answers with the best
 * complete solution it saw, if any).
 * Its worst case (`worstCaseTokens`, `judgedSteps`; see `searchWorstCase`) is `maxExpansions` × k step
 * calls.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, a missing `prm`, a count out of
 * range, or a shared search option out of range (see `checkSearchOptions`).
 * @example
 * const strategy = treeOfThoughtsDfs({ k: 4, prm }); // tot-dfs@4
 */
export function treeOfThoughtsDfs(options: TreeOfThoughtsDfsOptions): Strategy {
  checkSearchOptions(treeOfThoughtsDfsOptions, options, "treeOfThoughtsDfs");
  const { k } = options;
  checkInteger("treeOfThoughtsDfs", "k", k, { minimum: 1 });
  const threshold = options.threshold ?? 0.5;
  const attempts = options.attempts ?? 3;
  checkInteger("treeOfThoughtsDfs", "attempts", attempts, { minimum: 1 });
  const maxExpansions = options.maxExpansions ?? 64;
  checkInteger("treeOfThoughtsDfs", "maxExpansions", maxExpansions, { minimum: 1 });
  return {
    name: `tot-dfs@${k}`,
    parameters: { k, threshold, attempts, maxExpansions, ...searchParameters(options) },
    samples: k,
    ...searchWorstCase("treeOfThoughtsDfs", options, () => ({ steps: maxExpansions * k })),
    async run(problem, context) {
      const run = createSearchRun(problem, context, options, { aggregation: "min", select: "best" });
      let expansions = 0;
      let found: SearchNode | undefined;
      const visit = async (node: SearchNode): Promise<void> => {
        for (let attempt = 0; attempt < attempts; attempt += 1) {
          if (run.cut || found !== undefined) return;
          if (expansions >= maxExpansions) {
            run.stop("condition:max-expansions");
            return;
          }
          expansions += 1;
          const [children = []] = await run.expand([{ node, n: k }]);
          const { kept: distinct, repeated } = distinctSteps(children);
          if (distinct.length === 0 || !(await run.score(distinct))) return;
          const ranked = run.rank(distinct);
          const kept = ranked.filter((child) => (child.value ?? 0) >= threshold);
          run.recordSelection(
            `tot-dfs:threshold-${threshold}`,
            kept,
            [...ranked.filter((child) => (child.value ?? 0) < threshold), ...repeated],
            kept.map((child) => child.value ?? 0),
          );
          for (const child of kept) {
            if (child.final) {
              found = child;
              return;
            }
            await visit(child);
            if (run.cut || found !== undefined) return;
          }
        }
      };
      await visit(run.root);
      return found === undefined ? run.finish() : run.finish({ chosen: found });
    },
  };
}

/** `tot-dfs@K` in the strategy catalog. */
export const treeOfThoughtsDfsEntry: StrategyEntry = searchEntry(
  "tot-dfs@K",
  "tree of thoughts, depth-first with pruning: K proposals per state",
  ({ K }, prm) => treeOfThoughtsDfs({ k: K!, prm }),
);
