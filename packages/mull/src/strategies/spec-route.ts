import { ConfigError } from "../errors/index.ts";
import { refuseRepeatedRouteModel } from "../routing/index.ts";
import { describeValue } from "../runtime/index.ts";
import type { Backend } from "../spec/index.ts";
import type { NamedBackend } from "./strategy-entry.ts";

/** The route a routing spec runs on, and where it came from, for errors that name what the caller gave. */
export interface SpecRoute {
  /** The model names, smallest first. */
  readonly names: readonly string[];
  /**
   * The field errors about the route name: `strategy` for a route written after the spec's colon, else
   * the field the default route came from (`parseStrategySpec`'s `defaultRouteField`, `strategy` by default).
   */
  readonly field: string;
  /** Whether the route is the default route, given for specs that name none of their own. */
  readonly fromDefault: boolean;
}

/** Where the models of a routing spec come from, as `parseStrategySpec` is given them. */
export interface SpecRouteSources {
  /** The route of specs that name none (`defaultRoute`). */
  readonly defaultRoute?: readonly string[] | undefined;
  /** The option `defaultRoute` came from, named in errors about it; default `strategy`. */
  readonly defaultRouteField?: string | undefined;
}

/** An example of a route as it is written where it came from. */
function exampleRoute(route: SpecRoute): string {
  return route.fromDefault ? `["lab-v2-small", "lab-v2-large"]` : "lab-v2-small>lab-v2-large";
}

/** The route as it was given: `"a>b"` after a spec's colon, `["a","b"]` as a default route. */
function writtenRoute(route: SpecRoute): string {
  return JSON.stringify(route.fromDefault ? route.names : route.names.join(">"));
}

/**
 * The start of an error about a spec's route: `strategy: the model route of "cascade@8"` for a route the
 * spec names (or a default route of field `strategy`), `route: the model route given for "cascade@8"
 * (which names none of its own)` for a default route from another field.
 */
function routeSubject(spec: string, route: SpecRoute): string {
  const quoted = JSON.stringify(spec);
  if (route.field === "strategy") return `strategy: the model route of ${quoted}`;
  return `${route.field}: the model route given for ${quoted} (which names none of its own)`;
}

/**
 * The model names of a routing spec's route: its own (`named`), else the default route; at least one,
 * none empty, all different. How many a strategy takes is its factory's check, except that a route of one
 * model is refused here, with what the strategy takes (`exactlyTwo`: whether it is a router of a small and
 * a large model, asked only then).
 *
 * @throws ConfigError (field `strategy`, or the default route's field) naming the spec, the route and what
 * was expected.
 */
export function specRoute(
  spec: string,
  named: readonly string[] | undefined,
  sources: SpecRouteSources,
  exactlyTwo: () => boolean,
): SpecRoute {
  const names = named ?? sources.defaultRoute;
  if (names === undefined) {
    // The example is unquoted: a quoted string is one the caller gave, which a surface may hide.
    throw new ConfigError(
      `strategy: ${JSON.stringify(spec)} routes between models; name them after the spec, smallest first ` +
        `(${spec}:lab-v2-small>lab-v2-large), or pass the route of specs that name none, smallest ` +
        `first (solve's route option, parseStrategySpec's defaultRoute: ["lab-v2-small", "lab-v2-large"])`,
      { field: "strategy" },
    );
  }
  const fromDefault = named === undefined;
  const field = fromDefault ? (sources.defaultRouteField ?? "strategy") : "strategy";
  const route: SpecRoute = { names, field, fromDefault };
  const written = writtenRoute(route);
  if (names.length < 2 || names.some((name) => name === "")) {
    const [count, order] = exactlyTwo()
      ? ["two model names", "the small model then the large one"]
      : ["two or more model names", "smallest first"];
    throw new ConfigError(
      `${routeSubject(spec, route)} is ${written}; expected ${count}` +
        `${fromDefault ? "" : ' separated by ">"'}, ${order} (${exampleRoute(route)})`,
      { field },
    );
  }
  refuseRepeatedRouteModel(names, {
    field,
    written,
    owner: `${fromDefault ? "given for" : "of"} ${JSON.stringify(spec)}`,
  });
  return route;
}

/** Whether `value` is a backend: an object with `describe`, `capabilities` and `generate`. */
function isBackend(value: unknown): value is Backend {
  if (typeof value !== "object" || value === null) return false;
  const methods = value as Record<string, unknown>;
  return ["describe", "capabilities", "generate"].every((method) => typeof methods[method] === "function");
}

/**
 * The backends of a route's models, from `resolveModel`, each checked to be a backend.
 *
 * @throws ConfigError (field `strategy`) without `resolveModel`, or when it returns something other than a
 * backend for a model, naming the model, the route and what it returned.
 */
export function resolveSpecRoute(
  spec: string,
  route: SpecRoute,
  resolveModel: ((name: string) => Backend) | undefined,
): readonly NamedBackend[] {
  if (resolveModel === undefined) {
    throw new ConfigError(
      `strategy: ${JSON.stringify(spec)} routes between models, and nothing here can load a model by name; pass resolveModel`,
      { field: "strategy" },
    );
  }
  return route.names.map((name) => {
    const backend: unknown = resolveModel(name);
    if (!isBackend(backend)) {
      throw new ConfigError(
        `strategy: resolveModel returned no backend for ${JSON.stringify(name)} (route ` +
          `${route.names.join(">")} of ${JSON.stringify(spec)}): got ${describeValue(backend)}; expected a ` +
          "backend (an object with describe, capabilities and generate)",
        { field: "strategy" },
      );
    }
    return { name, backend };
  });
}

/**
 * A factory's refusal of the models of a default route given from a field other than `strategy`
 * (`cascade: route lab-v2-large>lab-v2-small puts …`), restated as an error of that field; `undefined` for
 * other errors, and for routes the spec names or whose errors name `strategy`.
 */
export function defaultRouteRefusal(spec: string, route: SpecRoute, error: unknown): ConfigError | undefined {
  if (!route.fromDefault || route.field === "strategy") return undefined;
  if (!ConfigError.isInstance(error) || error.field !== "models") return undefined;
  return new ConfigError(
    `${routeSubject(spec, route)} is ${writtenRoute(route)}, refused: ${error.message}`,
    { field: route.field, cause: error },
  );
}
