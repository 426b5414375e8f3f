import { ConfigError } from "../errors/index.ts";
import { repeatedRouteModel } from "../strategies/repeated-route-model.ts";
import { standInBackend } from "../strategies/stand-in-dependencies.ts";
import type { NamedBackend } from "../strategies/strategy-entry.ts";

/** Where a route was given, as its refusal names it. */
export interface RouteSource {
  /** The field or flag that gave the route (`strategy`, `--route`, `routes[0].models`): named first. */
  readonly field: string;
  /** What the route belongs to, said after it: `of "cascade@8"`; nothing by default. */
  readonly owner?: string | undefined;
  /** The route as it was written (`["a","a"]` for a list); by default its names joined by `>`, quoted. */
  readonly written?: string | undefined;
}

/**
 * The refusal of a route that names one model twice (`a>b>a`), or `undefined` when its models all differ:
 * a route hands work from one model to another, so a model named twice routes nowhere. It names the
 * field, the route and the repeated model. Surfaces that refuse with an error of their own (a commander
 * `InvalidArgumentError`, a `UsageError`) throw it with this message; others call
 * `refuseRepeatedRouteModel`.
 *
 * @example
 * repeatedRouteRefusal(["a", "b", "a"], { field: "--route", owner: 'of "auto"' });
 * // '--route: the route "a>b>a" of "auto" names "a" twice; expected a different model at each place of the route'
 * repeatedRouteRefusal(["a", "b"], { field: "--route" }); // undefined
 */
export function repeatedRouteRefusal(route: readonly string[], source: RouteSource): string | undefined {
  const repeated = repeatedRouteModel(route);
  if (repeated === undefined) return undefined;
  const written = source.written ?? JSON.stringify(route.join(">"));
  const owner = source.owner === undefined ? "" : ` ${source.owner}`;
  return (
    `${source.field}: the route ${written}${owner} names ${JSON.stringify(repeated)} twice; ` +
    "expected a different model at each place of the route"
  );
}

/**
 * Refuses a route that names one model twice (`repeatedRouteRefusal`'s message).
 *
 * @throws ConfigError (field `source.field`) naming the field, the route and the repeated model.
 * @example
 * refuseRepeatedRouteModel(["a", "a"], { field: "strategy", owner: 'of "cascade@8"' });
 * // throws: strategy: the route "a>a" of "cascade@8" names "a" twice; expected a different model at each place of the route
 */
export function refuseRepeatedRouteModel(route: readonly string[], source: RouteSource): void {
  const refusal = repeatedRouteRefusal(route, source);
  if (refusal !== undefined) throw new ConfigError(refusal, { field: source.field });
}

/**
 * Refuses a route that gives one model twice, by name (`repeatedRouteRefusal`) or by backend: a chain
 * escalating to a model it already ran pays twice for one model's answers. Stand-ins (`standInBackend`),
 * which a spec's strategy is built on before its models load, stand for models not known yet and are not
 * compared.
 *
 * @throws ConfigError (`<owner>: models …`, field `models`) naming the route and the repeated model, or
 * both places of one backend under two names, and what was expected.
 * @example
 * refuseRepeatedModels("cascade", [{ name: "a", backend }, { name: "b", backend }]);
 * // throws: cascade: models[1] ("b") has the backend of models[0] ("a"); expected a different model at each place …
 */
export function refuseRepeatedModels(owner: string, models: readonly NamedBackend[]): void {
  const refusal = repeatedRouteRefusal(
    models.map((model) => model.name),
    { field: "models" },
  );
  if (refusal !== undefined) throw new ConfigError(`${owner}: ${refusal}`, { field: "models" });
  for (const [index, model] of models.entries()) {
    if (model.backend === standInBackend) continue;
    const earlier = models.findIndex(
      (other, otherIndex) => otherIndex < index && other.backend === model.backend,
    );
    if (earlier === -1) continue;
    throw new ConfigError(
      `${owner}: models[${index}] (${JSON.stringify(model.name)}) has the backend of models[${earlier}] ` +
        `(${JSON.stringify(models[earlier]!.name)}); expected a different model at each place of the route, smallest first`,
      { field: "models" },
    );
  }
}
