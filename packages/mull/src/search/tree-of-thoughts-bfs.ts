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

/** Options of `treeOfThoughtsBfs`. */
export interface TreeOfThoughtsBfsOptions extends SearchOptions {
  /** States kept at each depth (b). */
  readonly breadth: number;
  /** Next steps proposed per kept state (k). */
  readonly k: number;
  /** States valued below this are pruned even when there is room; default 0 (keep the top b). */
  readonly threshold?: number | undefined;
}

const treeOfThoughtsBfsOptions = z.strictObject({
  breadth: checkedByFactory,
  k: checkedByFactory,
  threshold: numberSchema().optional(),
  ...searchOptionFields,
} satisfies Record<keyof TreeOfThoughtsBfsOptions, unknown>);

/**
 * Tree of Thoughts, breadth-first (Yao et al. 2023): at each depth every kept state proposes k next steps
 * (repeated proposals dropped), the PRM values the new states, those below `threshold` are pruned and the b
 * best are kept. Complete solutions are set aside as they appear; the search ends when no state is left or
 * the budget runs out, and answers with the best complete solution (`select`, default `best`).
 * Its worst case (`worstCaseTokens`, `judgedSteps`; see `searchWorstCase`) is k + (`maxSteps` − 1) × b × k
 * step calls.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, a missing `prm`, a count out of
 * range, or a shared search option out of range (see `checkSearchOptions`).
 * @example
 * const strategy = treeOfThoughtsBfs({ breadth: 4, k: 3, prm }); // tot-bfs@4x3
 */
export function treeOfThoughtsBfs(options: TreeOfThoughtsBfsOptions): Strategy {
  checkSearchOptions(treeOfThoughtsBfsOptions, options, "treeOfThoughtsBfs");
  const { breadth, k } = options;
  checkInteger("treeOfThoughtsBfs", "breadth", breadth, { minimum: 1 });
  checkInteger("treeOfThoughtsBfs", "k", k, { minimum: 1 });
  const threshold = options.threshold ?? 0;
  return {
    name: `tot-bfs@${breadth}x${k}`,
    parameters: { breadth, k, threshold, ...searchParameters(options) },
    samples: breadth * k,
    // k first steps, then k from each of at most `breadth` states at every later depth.
    ...searchWorstCase("treeOfThoughtsBfs", options, (maxSteps) => ({
      steps: k + (maxSteps - 1) * breadth * k,
    })),
    async run(problem, context) {
      const run = createSearchRun(problem, context, options, { aggregation: "min", select: "best" });
      let frontier: SearchNode[] = [run.root];
      while (!run.cut && frontier.length > 0) {
        const expansions = await run.expand(frontier.map((node) => ({ node, n: k })));
        const children: SearchNode[] = [];
        const repeated: SearchNode[] = [];
        for (const siblings of expansions) {
          const split = distinctSteps(siblings);
          children.push(...split.kept);
          repeated.push(...split.repeated);
        }
        if (children.length === 0 || !(await run.score(children))) break;
        const ranked = run.rank(children.filter((child) => !child.final));
        const kept = ranked.filter((child) => (child.value ?? 0) >= threshold).slice(0, breadth);
        const keptSet = new Set(kept);
        run.recordSelection(
          `tot-bfs:top-${breadth}`,
          kept,
          [...ranked.filter((child) => !keptSet.has(child)), ...repeated],
          kept.map((child) => child.value ?? 0),
        );
        frontier = kept;
      }
      return run.finish();
    },
  };
}

/** `tot-bfs@BxK` in the strategy catalog. */
export const treeOfThoughtsBfsEntry: StrategyEntry = searchEntry(
  "tot-bfs@BxK",
  "tree of thoughts, breadth-first: keep B states, propose K steps from each",
  ({ B, K }, prm) => treeOfThoughtsBfs({ breadth: B!, k: K!, prm }),
);
