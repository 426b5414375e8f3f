import { ConfigError } from "../errors/index.ts";
import { standInStrategy } from "./stand-in-strategy.ts";

/**
 * The samples the strategy a spec names draws (`Strategy.samples`), known from the spec alone, before any
 * backend, scorer or model is loaded. The count is the catalog factory's own: the strategy is built with
 * stand-ins for its scorer, process reward model and models (`standInStrategy`), then discarded. A routing
 * spec without a route is counted as if it named two models.
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
    return standInStrategy(spec)?.samples;
  } catch (error) {
    if (ConfigError.isInstance(error)) return undefined;
    throw error;
  }
}
