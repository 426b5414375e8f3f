import { ConfigError } from "../errors/index.ts";
import type { ProcessRewardModel, Strategy } from "../spec/index.ts";
import { aStarDecoding } from "./a-star-decoding.ts";
import { beamSearch } from "./beam-search.ts";
import { diverseVerifierTreeSearch } from "./diverse-verifier-tree-search.ts";
import { monteCarloTreeSearch } from "./monte-carlo-tree-search.ts";
import { particleFilter } from "./particle-filter.ts";
import { particleGibbs } from "./particle-gibbs.ts";
import { treeOfThoughtsBfs } from "./tree-of-thoughts-bfs.ts";
import { treeOfThoughtsDfs } from "./tree-of-thoughts-dfs.ts";

/** Options of `parseSearchSpec`. */
export interface ParseSearchSpecOptions {
  /** The process reward model every search needs. */
  readonly prm?: ProcessRewardModel | undefined;
}

/** The forms `parseSearchSpec` accepts, as shown in errors and help. */
export const searchSpecForms: readonly string[] = [
  "beam@NxM",
  "beam-laL@NxM",
  "dvts@NxM",
  "pf@N",
  "pf-sys@N",
  "pg@NxI",
  "astar@K",
  "tot-bfs@BxK",
  "tot-dfs@K",
  "mcts@S",
  "mcts-rollout@S",
];

const largest = 100_000;

const searchFamily = /^(beam(?:-la\d+)?|dvts|pf|pf-sys|pg|astar|tot-bfs|tot-dfs|mcts|mcts-rollout)@/;

/**
 * Whether a strategy name belongs to a step-level search (well formed or not), i.e. needs a process
 * reward model.
 *
 * @example
 * isSearchSpec("pf@16"); // true
 * isSearchSpec("sc@16"); // false
 */
export function isSearchSpec(text: string): boolean {
  return searchFamily.test(text.trim().toLowerCase());
}

/**
 * A step-level search from its short name, or `undefined` when the name is not a search (so a caller can
 * try other forms): `beam@16x4` (N beams, width M), `beam-la1@16x4` (with a one-step greedy look-ahead),
 * `dvts@16x4` (N/M subtrees of width M), `pf@16` / `pf-sys@16` (particle filtering, multinomial /
 * systematic resampling), `pg@16x3` (particle Gibbs: particles × iterations), `astar@8` (A*-decoding, K
 * expansions), `tot-bfs@4x3` (breadth × proposals), `tot-dfs@4` (proposals), `mcts@32` /
 * `mcts-rollout@32` (simulations; PRM or rollout values). Case and surrounding spaces are ignored.
 *
 * @throws ConfigError when the name is a search but malformed, or no `prm` is given.
 * @example
 * const strategy = parseSearchSpec("pf@16", { prm: labProcessReward() });
 */
export function parseSearchSpec(text: string, options: ParseSearchSpecOptions = {}): Strategy | undefined {
  const spec = text.trim().toLowerCase();
  const match =
    /^(beam(?:-la(\d+))?|dvts|pf|pf-sys|pg|astar|tot-bfs|tot-dfs|mcts|mcts-rollout)@(\d+)(?:x(\d+))?$/.exec(
      spec,
    );
  const family = searchFamily.exec(spec);
  if (family === null) return undefined;
  const pair = new Set(["dvts", "pg", "tot-bfs"]);
  const name = family[1]!;
  const needsPair = name.startsWith("beam") || pair.has(name);
  const invalid = (): never => {
    throw new ConfigError(
      `strategy: malformed search spec ${JSON.stringify(text)}; expected ${searchSpecForms.join(", ")} ` +
        `(numbers from 1 to ${largest})`,
      { field: "strategy" },
    );
  };
  if (match === null) return invalid();
  const first = Number(match[3]);
  const second = match[4] === undefined ? undefined : Number(match[4]);
  if (needsPair !== (second !== undefined)) return invalid();
  for (const value of [first, second]) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1 || value > largest))
      return invalid();
  }
  const prm = options.prm;
  if (prm === undefined) {
    throw new ConfigError(
      `strategy: ${JSON.stringify(text)} is a step-level search and needs a process reward model (--prm exact | noisy:FP,FN | self | judge | URL)`,
      { field: "prm" },
    );
  }
  const lookahead = match[2] === undefined ? 0 : Number(match[2]);
  if (name.startsWith("beam")) return beamSearch({ n: first, width: second!, lookahead, prm });
  switch (name) {
    case "dvts":
      return diverseVerifierTreeSearch({ n: first, width: second!, prm });
    case "pf":
      return particleFilter({ n: first, prm });
    case "pf-sys":
      return particleFilter({ n: first, prm, resampling: "systematic" });
    case "pg":
      return particleGibbs({ n: first, iterations: second!, prm });
    case "astar":
      return aStarDecoding({ k: first, prm });
    case "tot-bfs":
      return treeOfThoughtsBfs({ breadth: first, k: second!, prm });
    case "tot-dfs":
      return treeOfThoughtsDfs({ k: first, prm });
    case "mcts":
      return monteCarloTreeSearch({ simulations: first, prm });
    case "mcts-rollout":
      return monteCarloTreeSearch({ simulations: first, prm, value: "rollout" });
    default:
      return invalid();
  }
}
