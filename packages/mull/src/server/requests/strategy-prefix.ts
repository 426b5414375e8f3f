import type { Strategy } from "../../spec/index.ts";

// What the server knows about strategies by name alone: how a model name carries one, and how many
// samples one draws at once.

const strategyPrefix = /^((?:[a-z][a-z0-9-]*@\d+(?:x\d+)?)|greedy|single):(.+)$/i;

/** A model name split at its strategy prefix. */
export interface PrefixedModel {
  /** The strategy spec, e.g. `sc@8`, `beam@4x2`, `greedy`. */
  readonly strategy: string;
  /** The served model's name. */
  readonly model: string;
}

/**
 * Splits a model name with a strategy prefix into the strategy and the model; `undefined` when the name
 * has no prefix.
 *
 * @example
 * splitStrategyPrefix("sc@8:qwen2.5-7b"); // { strategy: "sc@8", model: "qwen2.5-7b" }
 */
export function splitStrategyPrefix(name: string): PrefixedModel | undefined {
  const match = strategyPrefix.exec(name);
  return match === null ? undefined : { strategy: match[1] as string, model: match[2] as string };
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 ? value : undefined;
}

/**
 * Samples a strategy draws at once: N for sampling strategies, particles and beams; for A* and ToT DFS
 * the proposals per expansion; for ToT BFS breadth × proposals; for MCTS its simulations.
 *
 * @example
 * samplesOf(parseStrategySpec("tot-bfs@3x5")); // 15
 */
export function samplesOf(strategy: Strategy): number {
  const parameters = strategy.parameters;
  const breadth = positive(parameters.breadth);
  const k = positive(parameters.k);
  return (
    positive(parameters.n) ??
    (breadth !== undefined && k !== undefined ? breadth * k : undefined) ??
    k ??
    positive(parameters.simulations) ??
    1
  );
}
