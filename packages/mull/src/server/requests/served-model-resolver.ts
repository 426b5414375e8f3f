import { ConfigError } from "../../errors/index.ts";
import type { Backend } from "../../spec/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { routeModelBackend } from "./route-model-scope.ts";

/**
 * The `resolveModel` a routing strategy's spec is parsed with (`parseStrategySpec`): a model a route names
 * (`cascade@8:lab-small>lab-large`) is the served model of that name, with its upstream backend, which
 * names itself by the served name (so the response's `usage_by_model` is keyed by the route's names); a
 * request running the strategy calls it through its own backend of that model (`routeModelBackend`:
 * metered, its samples counted and reported as progress, as the served model's are).
 *
 * @throws ConfigError (field `model`) for a name the server does not serve, listing the served models.
 * @example
 * const strategy = parseStrategySpec("cascade@8:lab-small>lab-large", { resolveModel: servedModelResolver(models) });
 */
export function servedModelResolver(models: ReadonlyMap<string, ServedModel>): (name: string) => Backend {
  return (name) => {
    const served = models.get(name);
    if (served === undefined) {
      throw new ConfigError(
        `model ${JSON.stringify(name)} in the route is not served here; the configured models are ${[...models.keys()].join(", ")}`,
        { field: "model" },
      );
    }
    return routeModelBackend(served);
  };
}
