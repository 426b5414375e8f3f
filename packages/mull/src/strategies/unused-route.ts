import { ConfigError } from "../errors/index.ts";
import { describeValue } from "../runtime/index.ts";
import type { Strategy } from "../spec/index.ts";
import { findStrategyEntry, splitModelRoute } from "./find-strategy-entry.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `refuseUnusedRoute`. */
export interface RefuseUnusedRouteOptions {
  /** Who refuses, named first in the message (`solve`). */
  readonly owner: string;
  /** The strategy given: a spec, or a strategy object. */
  readonly strategy: Strategy | string;
  /** The route given for routing specs written without one; `undefined` when none was given. */
  readonly route: readonly string[] | undefined;
  /** The entries the spec is read by; default `strategyCatalog`. */
  readonly catalog?: readonly StrategyEntry[] | undefined;
}

/**
 * Refuses a `route` that the strategy would not use, rather than run without it: the route of routing
 * specs written without one (`cascade@8`) cannot apply to a spec that runs on one model (`sc@4`), to a
 * routing spec that names its own models (`cascade@8:a>b`), or to a strategy object, built with its
 * models. A spec the catalog cannot read is left to `parseStrategySpec`, which names what it expected.
 *
 * @throws ConfigError (field `route`) naming the route given, the strategy and what was expected.
 * @example
 * refuseUnusedRoute({ owner: "solve", strategy: "sc@4", route: ["lab-small", "lab-large"] });
 * // throws: solve: route ["lab-small","lab-large"] applies to routing strategies only, and "sc@4" runs on one model; …
 */
export function refuseUnusedRoute(options: RefuseUnusedRouteOptions): void {
  const { owner, strategy, route } = options;
  if (route === undefined) return;
  const given = `${owner}: route ${describeValue(route)}`;
  if (typeof strategy !== "string") {
    throw new ConfigError(
      `${given} applies to routing strategies named by a spec without a route (strategy: "cascade@8"), ` +
        `and strategy is the strategy ${JSON.stringify(strategy.name)}, built with its own models; expected no route`,
      { field: "route" },
    );
  }
  const match = findStrategyEntry(strategy, { catalog: options.catalog });
  // A spec the catalog cannot read is refused by the parser, which says what was expected.
  if (match?.values === undefined) return;
  if (!match.entry.needs.includes("models")) {
    throw new ConfigError(
      `${given} applies to routing strategies only, and ${JSON.stringify(strategy)} runs on one model; ` +
        "expected no route, or a routing strategy written without one (cascade@8)",
      { field: "route" },
    );
  }
  const { spec, route: named } = splitModelRoute(strategy);
  if (named !== undefined) {
    throw new ConfigError(
      `${given} applies to routing strategies written without a route, and ${JSON.stringify(strategy)} ` +
        `names its own (${named.join(">")}); expected no route, or the spec without its own (${JSON.stringify(spec)})`,
      { field: "route" },
    );
  }
}

/**
 * Whether a route given for routing specs written without one applies to `strategy`: a spec the catalog
 * reads as a routing strategy (one that takes models) that names no route of its own. A provider that
 * serves many specs with one default route gives it only to those (`createMullProvider`).
 *
 * @example
 * routeApplies("cascade@8"); // true
 * routeApplies("sc@4"); // false
 * routeApplies("cascade@8:a>b"); // false: it names its own
 */
export function routeApplies(
  strategy: Strategy | string,
  catalog?: readonly StrategyEntry[] | undefined,
): boolean {
  if (typeof strategy !== "string") return false;
  const match = findStrategyEntry(strategy, { catalog });
  if (match?.values === undefined || !match.entry.needs.includes("models")) return false;
  return splitModelRoute(strategy).route === undefined;
}
