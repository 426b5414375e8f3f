import { z } from "zod";
import { checkInteger, checkNumber, checkOneOf } from "../runtime/index.ts";
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

/** Options of `monteCarloTreeSearch`. */
export interface MonteCarloTreeSearchOptions extends SearchOptions {
  /** Simulations: each adds one node to the tree. */
  readonly simulations: number;
  /**
   * Most children of a node; default 3. Progressive widening: a node visited v times may have up to
   * 1 + ⌊√v⌋ children, so the search first goes deep and widens where visits pile up.
   */
  readonly width?: number | undefined;
  /** Exploration constant of UCT; default 1 (rewards lie in [0, 1]). */
  readonly exploration?: number | undefined;
  /**
   * How a new node is valued: `prm` (its PRM value, default) or `rollout` (complete it in one generation
   * and value the complete solution; each rollout is also a candidate answer).
   */
  readonly value?: "prm" | "rollout" | undefined;
}

const monteCarloTreeSearchOptions = z.strictObject({
  simulations: checkedByFactory,
  width: checkedByFactory,
  exploration: checkedByFactory,
  value: checkedByFactory,
  ...searchOptionFields,
} satisfies Record<keyof MonteCarloTreeSearchOptions, unknown>);

interface Statistics {
  visits: number;
  total: number;
  readonly children: SearchNode[];
}

/**
 * Monte Carlo tree search over steps with UCT: each simulation descends from the root by the upper
 * confidence bound Q + c·√(ln N_parent / N_child) through nodes that have all the children their visits
 * allow (progressive widening, at most `width`), adds one sampled next step where there is room, values
 * it (its PRM value, or the PRM value of a rollout to the end) and backs the value up the path. Complete
 * nodes are valued as they are, at no cost. Answers with the best complete solution found (`select`,
 * default `best`); when the simulations found none, the most visited path is completed in one rollout
 * (budget allowing; otherwise there is no answer, and a run the budget cut ends in `BudgetExhaustedError`).
 * Its worst case (`worstCaseTokens`, `judgedSteps`; see `searchWorstCase`) is a step call per simulation and
 * a rollout at the end, or, valued by rollouts, one per simulation too.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, a missing `prm`, a count out of
 * range, or a shared search option out of range (see `checkSearchOptions`).
 * @example
 * const strategy = monteCarloTreeSearch({ simulations: 32, prm }); // mcts@32
 */
export function monteCarloTreeSearch(options: MonteCarloTreeSearchOptions): Strategy {
  checkSearchOptions(monteCarloTreeSearchOptions, options, "monteCarloTreeSearch");
  const { simulations } = options;
  checkInteger("monteCarloTreeSearch", "simulations", simulations, { minimum: 1 });
  const width = options.width ?? 3;
  checkInteger("monteCarloTreeSearch", "width", width, { minimum: 1 });
  const exploration = checkNumber("monteCarloTreeSearch", "exploration", options.exploration ?? 1, {
    minimum: 0,
  });
  const valueMode = checkOneOf("monteCarloTreeSearch", "value", options.value ?? "prm", ["prm", "rollout"]);
  return {
    name: valueMode === "rollout" ? `mcts-rollout@${simulations}` : `mcts@${simulations}`,
    parameters: { simulations, width, exploration, value: valueMode, ...searchParameters(options) },
    samples: simulations,
    // A step per simulation; a rollout per simulation when rollouts value, and one more at the end.
    ...searchWorstCase("monteCarloTreeSearch", options, () => ({
      steps: simulations,
      rollouts: valueMode === "rollout" ? simulations + 1 : 1,
    })),
    async run(problem, context) {
      const run = createSearchRun(problem, context, options, { aggregation: "min", select: "best" });
      const statistics = new Map<SearchNode, Statistics>();
      const of = (node: SearchNode): Statistics => {
        let entry = statistics.get(node);
        if (entry === undefined) {
          entry = { visits: 0, total: 0, children: [] };
          statistics.set(node, entry);
        }
        return entry;
      };
      const uct = (parent: SearchNode, child: SearchNode): number => {
        const own = of(child);
        if (own.visits === 0) return Number.POSITIVE_INFINITY;
        return own.total / own.visits + exploration * Math.sqrt(Math.log(of(parent).visits) / own.visits);
      };
      let sawComplete = false;
      for (let simulation = 0; simulation < simulations && !run.cut; simulation += 1) {
        let node = run.root;
        const path = [node];
        const room = (parent: SearchNode) =>
          of(parent).children.length < Math.min(width, 1 + Math.floor(Math.sqrt(of(parent).visits)));
        while (!node.final && !room(node)) {
          const parent: SearchNode = node;
          let best = of(parent).children[0]!;
          for (const child of of(parent).children) if (uct(parent, child) > uct(parent, best)) best = child;
          node = best;
          path.push(node);
        }
        if (!node.final) {
          const [children = []] = await run.expand([{ node, n: 1 }]);
          const child = children[0];
          if (child === undefined || !(await run.score([child]))) break;
          of(node).children.push(child);
          node = child;
          path.push(node);
        }
        let value = node.value;
        if (valueMode === "rollout" && !node.final) {
          const finished = await run.rollout(node);
          if (finished === undefined || !(await run.score([finished]))) break;
          value = finished.value;
        }
        if (value === undefined) break;
        if (node.final || valueMode === "rollout") sawComplete = true;
        for (const visited of path) {
          const entry = of(visited);
          entry.visits += 1;
          entry.total += value;
        }
      }
      if (!run.cut && !sawComplete) {
        // No simulation reached an answer: follow the most visited path and complete it in one rollout,
        // so the search still answers.
        let node = run.root;
        for (;;) {
          const children = of(node).children;
          if (children.length === 0) break;
          let most = children[0]!;
          for (const child of children) if (of(child).visits > of(most).visits) most = child;
          node = most;
        }
        const finished = node.final ? node : await run.rollout(node);
        if (finished !== undefined) await run.score([finished]);
      }
      return run.finish();
    },
  };
}

/** `mcts@S` in the strategy catalog. */
export const monteCarloTreeSearchEntry: StrategyEntry = searchEntry(
  "mcts@S",
  "Monte Carlo tree search (UCT) with S simulations, valued by the PRM",
  ({ S }, prm) => monteCarloTreeSearch({ simulations: S!, prm }),
);

/** `mcts-rollout@S` in the strategy catalog. */
export const rolloutTreeSearchEntry: StrategyEntry = searchEntry(
  "mcts-rollout@S",
  "Monte Carlo tree search (UCT) with S simulations, valued by rollouts to an answer",
  ({ S }, prm) => monteCarloTreeSearch({ simulations: S!, prm, value: "rollout" }),
);
