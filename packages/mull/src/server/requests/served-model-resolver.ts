import { ConfigError } from "../../errors/index.ts";
import type { Backend } from "../../spec/index.ts";
import { optionalMethodsOf, type ServedModel } from "../upstreams/index.ts";

/**
 * The served model's backend, naming itself (its description and every result) by the served name, as the
 * route named it: the trace, and so the usage per model, then speak of the models the client chose rather
 * than of whatever the upstreams call them (two served names over one upstream model stay apart).
 */
function underServedName(served: ServedModel): Backend {
  const { backend, name } = served;
  return {
    describe: () => ({ ...backend.describe(), model: name }),
    capabilities: (options) => backend.capabilities(options),
    generate: async (request, options) => ({ ...(await backend.generate(request, options)), model: name }),
    ...optionalMethodsOf(backend),
  };
}

/**
 * The `resolveModel` a routing strategy's spec is parsed with (`parseStrategySpec`): a model a route names
 * (`cascade@8:lab-small>lab-large`) is the served model of that name, with its upstream backend, which
 * names itself by the served name (so the response's `usage_by_model` is keyed by the route's names).
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
    return underServedName(served);
  };
}
