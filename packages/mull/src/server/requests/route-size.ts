import { ConfigError } from "../../errors/index.ts";
import type {
  NamedBackend,
  SpecValues,
  StrategyDependencies,
  StrategyEntry,
} from "../../strategies/index.ts";
import { standInBackend } from "../../strategies/index.ts";

/**
 * How many models a routing strategy's route holds: `exactly two` for a router that splits one solution
 * between a small and a large model (`bild`, `glimp`), `two or more` for a chain (`cascade`).
 */
export type RouteSize = "exactly two" | "two or more";

function routeOf(length: number): NamedBackend[] {
  return Array.from({ length }, (_, index) => ({ name: `model-${index + 1}`, backend: standInBackend }));
}

/** Whether the entry's factory refuses a route of `length` models as a route (field `models`). */
function refusesRoute(entry: StrategyEntry, values: SpecValues, form: string, length: number): boolean {
  try {
    // A routing entry needs only its models; its factory holds them until the strategy runs.
    entry.create(values, { models: routeOf(length) } as unknown as StrategyDependencies, form);
    return false;
  } catch (error) {
    return ConfigError.isInstance(error) && error.field === "models";
  }
}

/**
 * The size of route a routing entry's factory takes at these numbers, read from the factory itself: a
 * route of three refused for its models (`twoModelRoute`) while one of two is not means exactly two. A
 * factory that cannot be built without a real model, or refuses for another reason, is taken as a chain.
 *
 * @example
 * const match = findStrategyEntry("bild@0.5");
 * routeSize(match.entry, match.values, match.form); // "exactly two"
 */
export function routeSize(entry: StrategyEntry, values: SpecValues, form: string): RouteSize {
  return refusesRoute(entry, values, form, 3) && !refusesRoute(entry, values, form, 2)
    ? "exactly two"
    : "two or more";
}
