import { z } from "zod";
import { checkInteger, numberSchema } from "../runtime/index.ts";
import type { Strategy } from "../spec/index.ts";
import { checkedByFactory } from "../strategies/option-schemas.ts";
import type { StrategyEntry } from "../strategies/strategy-entry.ts";
import { searchEntry } from "./search-entry.ts";
import type { SearchNode } from "./search-node.ts";
import { checkSearchOptions, searchOptionFields } from "./search-option-fields.ts";
import type { SearchOptions } from "./search-options.ts";
import { createSearchRun } from "./search-run.ts";
import { searchParameters } from "./search-settings.ts";
import { searchWorstCase } from "./search-worst-case.ts";

/** Options of `aStarDecoding`. */
export interface AStarDecodingOptions extends SearchOptions {
  /** Next steps sampled each time a node is expanded (K). */
  readonly k: number;
  /**
   * Times one node may be expanded; default 3. A node's successors are sampled, not enumerated, so an
   * expanded node goes back into the queue (behind its children on equal cost) and is expanded again
   * when everything below it looks worse — unless its last expansion found no new step.
   */
  readonly expansionsPerNode?: number | undefined;
  /** Most expansions before giving up (a stop condition, `condition:max-expansions`); default 64. */
  readonly maxExpansions?: number | undefined;
  /** A reward is clamped to at least this before its logarithm is taken; default 1e-3. */
  readonly floor?: number | undefined;
}

const aStarDecodingOptions = z.strictObject({
  k: checkedByFactory,
  expansionsPerNode: checkedByFactory,
  maxExpansions: checkedByFactory,
  floor: numberSchema().optional(),
  ...searchOptionFields,
} satisfies Record<keyof AStarDecodingOptions, unknown>);

/**
 * A*-decoding (Chatziveroglou 2025): best-first search over partial solutions. Each node's cost is
 * f = g + h, where g is the sum of its step costs −log r (r a step's PRM reward, floored) and h estimates
 * the cost of the steps still to come as the mean step cost so far; as the horizon is the same for every
 * node, ordering by f is ordering by the mean step cost, so no horizon needs to be known and deep good
 * paths are not penalised for their length. The open node of least cost (the deepest on ties) is expanded
 * with K sampled next steps (steps it already has are dropped). Successors are sampled, so an expanded node
 * stays in the queue, behind its children on equal cost, and is expanded again (up to `expansionsPerNode`
 * times) when all that lies below it looks worse — the search backtracks by asking for fresh steps where
 * the path was last good. It stops at the first complete solution taken from the queue — with an exact PRM,
 * a correct one — or when the budget or `maxExpansions` runs out, and then returns the best complete
 * solution seen, if any.
 * Its worst case (`worstCaseTokens`, `judgedSteps`; see `searchWorstCase`) is `maxExpansions` × K step
 * calls.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, a missing `prm`, a count out of
 * range, or a shared search option out of range (see `checkSearchOptions`).
 * @example
 * const strategy = aStarDecoding({ k: 8, prm: labProcessReward() }); // astar@8
 */
export function aStarDecoding(options: AStarDecodingOptions): Strategy {
  checkSearchOptions(aStarDecodingOptions, options, "aStarDecoding");
  const { k } = options;
  checkInteger("aStarDecoding", "k", k, { minimum: 1 });
  const expansionsPerNode = options.expansionsPerNode ?? 3;
  checkInteger("aStarDecoding", "expansionsPerNode", expansionsPerNode, { minimum: 1 });
  const maxExpansions = options.maxExpansions ?? 64;
  checkInteger("aStarDecoding", "maxExpansions", maxExpansions, { minimum: 1 });
  const floor = options.floor ?? 1e-3;
  return {
    name: `astar@${k}`,
    parameters: { k, expansionsPerNode, maxExpansions, floor, ...searchParameters(options) },
    samples: k,
    ...searchWorstCase("aStarDecoding", options, () => ({ steps: maxExpansions * k })),
    async run(problem, context) {
      const run = createSearchRun(problem, context, options, { aggregation: "product", select: "best" });
      const cost = (node: SearchNode): number => {
        const rewards = node.rewards ?? [];
        if (rewards.length === 0) return 0;
        return rewards.reduce((sum, reward) => sum - Math.log(Math.max(floor, reward)), 0) / rewards.length;
      };
      // The open list: a small array searched linearly (a few dozen expansions per problem). `order` breaks
      // the last ties: a node put back after an expansion queues behind what was pushed before it.
      const open: { node: SearchNode; cost: number; order: number }[] = [
        { node: run.root, cost: 0, order: 0 },
      ];
      const steps = new Map<SearchNode, Set<string>>();
      const timesExpanded = new Map<SearchNode, number>();
      let order = 1;
      let expansions = 0;
      let chosen: SearchNode | undefined;
      while (!run.cut && open.length > 0) {
        let bestIndex = 0;
        open.forEach((entry, index) => {
          const best = open[bestIndex]!;
          if (
            entry.cost < best.cost ||
            (entry.cost === best.cost &&
              (entry.node.steps.length > best.node.steps.length ||
                (entry.node.steps.length === best.node.steps.length && entry.order < best.order)))
          ) {
            bestIndex = index;
          }
        });
        const { node, cost: nodeCost } = open.splice(bestIndex, 1)[0]!;
        if (node.final) {
          chosen = node;
          break;
        }
        if (expansions >= maxExpansions) {
          run.stop("condition:max-expansions");
          break;
        }
        expansions += 1;
        const times = (timesExpanded.get(node) ?? 0) + 1;
        timesExpanded.set(node, times);
        const [children = []] = await run.expand([{ node, n: k }]);
        const known = steps.get(node) ?? new Set<string>();
        steps.set(node, known);
        const kept: SearchNode[] = [];
        const repeated: SearchNode[] = [];
        for (const child of children) {
          const step = child.steps.at(-1) ?? "";
          if (known.has(step)) repeated.push(child);
          else {
            known.add(step);
            kept.push(child);
          }
        }
        if (kept.length > 0 && !(await run.score(kept))) break;
        run.recordSelection("astar:expand", kept, repeated, kept.map(cost));
        for (const child of kept) open.push({ node: child, cost: cost(child), order: order++ });
        // Put the node back for fresh steps later, unless it is spent or this expansion found nothing new.
        if (times < expansionsPerNode && kept.length > 0) open.push({ node, cost: nodeCost, order: order++ });
      }
      if (chosen !== undefined) return run.finish({ chosen });
      return run.finish();
    },
  };
}

/** `astar@K` in the strategy catalog. */
export const aStarDecodingEntry: StrategyEntry = searchEntry(
  "astar@K",
  "A*-decoding: expand the best partial solution (PRM cost + heuristic) with K sampled steps",
  ({ K }, prm) => aStarDecoding({ k: K!, prm }),
);
