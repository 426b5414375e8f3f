import { type BanditPolicyName, type BanditRouter, createBanditRouter } from "../../routing/index.ts";
import { modelEntries, type ServerConfig } from "../config/index.ts";

/** A bandit route: a model name whose requests go to one model of a pool, chosen by a bandit. */
export interface BanditRoute {
  readonly name: string;
  readonly router: BanditRouter;
  /** Price of one token of each model of the pool (`upstreams[].models[].pricePerToken`, default 1). */
  readonly prices: ReadonlyMap<string, number>;
}

/** The routes of a server's configuration (`routes`). */
export interface ModelRoutes {
  /** Bandit routes by name. */
  readonly bandits: ReadonlyMap<string, BanditRoute>;
  /** Strategy routes by name: the routing strategy's spec with its models (`cascade@8:lab-small>lab-large`). */
  readonly strategies: ReadonlyMap<string, string>;
}

/**
 * Makes the routes a configuration declares: a bandit router (`createBanditRouter`) per bandit route, with
 * the prices of its models, and the spec of each strategy route. The configuration was checked by
 * `parseServerConfig`, which refuses routes over models it does not serve.
 *
 * @example
 * const routes = buildModelRoutes(parseServerConfig({ upstreams, routes: [{ name: "auto", models: ["a", "b"], policy: "ucb" }] }));
 * routes.bandits.get("auto")?.router.choose(); // "a"
 */
export function buildModelRoutes(config: ServerConfig): ModelRoutes {
  const prices = new Map<string, number>();
  for (const upstream of config.upstreams) {
    for (const entry of modelEntries(upstream)) prices.set(entry.name, entry.pricePerToken);
  }
  const bandits = new Map<string, BanditRoute>();
  const strategies = new Map<string, string>();
  // A hand-made configuration (tests) may have no routes at all.
  for (const route of config.routes ?? []) {
    if (route.strategy !== undefined) {
      strategies.set(route.name, route.strategy);
      continue;
    }
    const models = route.models ?? [];
    bandits.set(route.name, {
      name: route.name,
      router: createBanditRouter({
        arms: models,
        policy: route.policy as BanditPolicyName,
        lambda: route.lambda ?? 0,
        seed: route.seed ?? 0,
      }),
      prices: new Map(models.map((model) => [model, prices.get(model) ?? 1])),
    });
  }
  return { bandits, strategies };
}
