import { ConfigError } from "../errors/index.ts";
import type { NamedBackend } from "../strategies/strategy-entry.ts";
import { refuseRepeatedModels } from "./refuse-repeated-models.ts";
import { refuseLargestFirst } from "./route-order.ts";

/** The first (smallest) and last (largest) models of a route. */
export interface RouteEnds {
  readonly small: NamedBackend;
  readonly large: NamedBackend;
}

/** The route as a spec writes it, `lab-small>lab-large`. */
function written(models: readonly NamedBackend[]): string {
  return models.map((model) => model.name).join(">");
}

/**
 * The smallest and the largest of a route of two or more models, smallest first: what a chain such as a
 * cascade (which runs every model in turn) checks it was given.
 *
 * @throws ConfigError (`<owner>: models …`) when fewer than two models are given, or one model twice (by
 * name or backend, `refuseRepeatedModels`); (`<owner>: route …`) when their known sizes are not smallest
 * first (`refuseLargestFirst`).
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
  refuseRepeatedModels(owner, models);
  refuseLargestFirst(owner, models);
  return { small, large };
}

/**
 * The two models of a router that splits one solution between a small and a large model (`bild`,
 * `glimp`): a route of exactly two, smallest first. A longer route is refused rather than read by its
 * ends, since the models in between would be loaded and named in the route but never asked.
 *
 * @throws ConfigError (`<owner>: models …`, field `models`) naming the route given, when it does not hold
 * exactly two models, or one model twice (`refuseRepeatedModels`); (`<owner>: route …`) when the large
 * model is known to be the smaller (`refuseLargestFirst`).
 * @example
 * const { small, large } = twoModelRoute("bigLittleDecoder", options.models);
 */
export function twoModelRoute(owner: string, models: readonly NamedBackend[]): RouteEnds {
  const [small, large] = models;
  if (small === undefined || large === undefined || models.length !== 2) {
    const route = models.length === 0 ? "" : ` (${written(models)})`;
    throw new ConfigError(
      `${owner}: models must be exactly two, the small model then the large one (lab-small>lab-large), ` +
        `got ${models.length}${route}; only a cascade routes through more models (cascade@8:a>b>c)`,
      { field: "models" },
    );
  }
  refuseRepeatedModels(owner, models);
  refuseLargestFirst(owner, models);
  return { small, large };
}
