import type { FinishReason } from "../spec/index.ts";

/** A partial or complete solution in a search tree. */
export interface SearchNode {
  /** Trace id of the generation that wrote its last step (the run's node for the root). */
  readonly id: string | undefined;
  readonly parent: SearchNode | undefined;
  readonly steps: readonly string[];
  /** Complete: its last step is final, or it reached the step limit. */
  readonly final: boolean;
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
  readonly node: SearchNode;
  readonly n: number;
  readonly temperature?: number | undefined;
}
