import type { FinishReason } from "../spec/index.ts";

/** A partial or complete solution in a search tree. */
export interface SearchNode {
  /** Trace id of the generation that wrote its last step (the run's node for the root). */
  readonly id: string | undefined;
  /** The node it extends by one step; `undefined` for the root. */
  readonly parent: SearchNode | undefined;
  /** The path's steps from the root, in order (empty for the root). */
  readonly steps: readonly string[];
  /** Complete: its last step is final, or it reached the step limit. */
  readonly final: boolean;
  /** How its last step's generation ended (`stop`, `length`, …); `stop` for a final step. */
  readonly finishReason: FinishReason;
  /** Generated tokens of the whole path, when every step's count is known. */
  readonly tokens: number | undefined;
  /** Sum of token log-probabilities of the path, when known for every step. */
  readonly logprob: number | undefined;
  /** Per-step process rewards, once scored. */
  rewards: readonly number[] | undefined;
  /** The aggregated reward, once scored. */
  value: number | undefined;
}

/** One node to extend, `n` times, optionally with other sampling (a greedy look-ahead). */
export interface ExpandRequest {
  /** The node to extend by one step. */
  readonly node: SearchNode;
  /** How many children to sample from it, an integer ≥ 1. */
  readonly n: number;
  /** Sampling temperature of its children (≥ 0); default the search's `temperature`. */
  readonly temperature?: number | undefined;
}
