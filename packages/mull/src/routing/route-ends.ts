import { ConfigError } from "../errors/index.ts";
import type { NamedBackend } from "../strategies/strategy-entry.ts";

/** The two models a two-model router uses: the route's first (smallest) and last (largest). */
export interface RouteEnds {
  readonly small: NamedBackend;
  readonly large: NamedBackend;
}

/**
 * The smallest and the largest of a route's models, smallest first; models in between are not used by
 * two-model routers.
 *
 * @throws ConfigError (`<owner>: models …`) when fewer than two models are given.
 */
export function routeEnds(owner: string, models: readonly NamedBackend[]): RouteEnds {
  const small = models[0];
  const large = models.at(-1);
  if (small === undefined || large === undefined || models.length < 2) {
    throw new ConfigError(
      `${owner}: models must hold two or more models, smallest first (lab-small>lab-large), got ${models.length}`,
      { field: "models" },
    );
  }
  return { small, large };
}
