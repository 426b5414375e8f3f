import { ConfigError } from "../errors/index.ts";
import type { Backend, OutcomeScorer, ProcessRewardModel } from "../spec/index.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";

/** Thrown when building a strategy used a stand-in dependency rather than only holding it. */
class StandInUsedError extends Error {}

function unusable(what: string): never {
  throw new StandInUsedError(`${what} is a stand-in that only counts a spec's samples; it cannot be called`);
}

const standInBackend: Backend = {
  describe: () => unusable("backend"),
  capabilities: () => unusable("backend"),
  generate: () => unusable("backend"),
};

const standInScorer: OutcomeScorer = { name: "stand-in", score: () => unusable("scorer") };

const standInProcessReward: ProcessRewardModel = {
  name: "stand-in",
  score: () => unusable("process reward model"),
};

/** The route a routing spec that names none is counted on; the count does not depend on the models. */
const standInRoute: readonly string[] = ["small", "large"];

/**
 * The samples the strategy a spec names draws (`Strategy.samples`), known from the spec alone, before any
 * backend, scorer or model is loaded. The count is the catalog factory's own: the strategy is built with
 * stand-ins for its scorer, process reward model and models, which factories only hold until the strategy
 * runs, and then discarded. A routing spec without a route is counted as if it named two models.
 *
 * Returns `undefined` for a spec that cannot be built from its text (unknown, malformed, numbers out of
 * range or rejected by the factory, a route of fewer than two models) and for one whose factory calls a
 * dependency while building: building it with the real dependencies then says what is wrong, or counts.
 *
 * @example
 * specSamples("sc@16"); // 16
 * specSamples("tot-bfs@4x3"); // 12
 * specSamples("cascade@8x16:lab-small>lab-large"); // 16
 * specSamples("beam@16"); // undefined (beam is beam@NxM)
 */
export function specSamples(spec: string): number | undefined {
  try {
    return parseStrategySpec(spec, {
      scorer: standInScorer,
      prm: standInProcessReward,
      resolveModel: () => standInBackend,
      defaultRoute: standInRoute,
    }).samples;
  } catch (error) {
    if (ConfigError.isInstance(error) || error instanceof StandInUsedError) return undefined;
    throw error;
  }
}
