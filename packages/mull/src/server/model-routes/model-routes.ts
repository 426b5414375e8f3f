import { ConfigError } from "../../errors/index.ts";
import { type BanditPolicyName, type BanditRouter, createBanditRouter } from "../../routing/index.ts";
import { llmJudgeScorer } from "../../scoring/index.ts";
import type { OutcomeScorer } from "../../spec/index.ts";
import { modelEntries, type ServerConfig } from "../config/index.ts";
import { type RoutedServedModel, refuseBackwardStrategyRoute } from "./strategy-route-order.ts";

/** A bandit route: a model name whose requests go to one model of a pool, chosen by a bandit. */
export interface BanditRoute {
  readonly name: string;
  readonly router: BanditRouter;
  /** Price of one token of each model of the pool (`upstreams[].models[].pricePerToken`, default 1). */
  readonly prices: ReadonlyMap<string, number>;
  /** The LLM judge on the route's `judge` model, when it names one: the reward where no checker applies. */
  readonly judge?: OutcomeScorer | undefined;
  /** The served model the judge runs on, under which `/metrics` counts its tokens. */
  readonly judgeModel?: string | undefined;
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
 * the prices of its models and an LLM judge (`llmJudgeScorer`) on its `judge` model's backend, and the spec
 * of each strategy route, whose strategy is built once over `served` so that a route every request would be
 * refused for its models (largest first, as their backends describe their sizes) is refused here, before
 * the server starts (`refuseBackwardStrategyRoute`). The configuration was checked by `parseServerConfig`,
 * which refuses routes over models it does not serve.
 *
 * @throws ConfigError when a route's judge is not among `served` (the backends of the served models), or
 * when a strategy route's strategy refuses its served models (field `routes[i].strategy`, e.g.
 * `routes[0].strategy "cascade@8:lab-v2-large>lab-v2-small": cascade: route lab-v2-large>lab-v2-small puts …`).
 *
 * @example
 * const routes = buildModelRoutes(parseServerConfig({ upstreams, routes: [{ name: "auto", models: ["a", "b"], policy: "ucb" }] }));
 * routes.bandits.get("auto")?.router.choose(); // "a"
 */
export function buildModelRoutes(
  config: ServerConfig,
  served: ReadonlyMap<string, RoutedServedModel> = new Map(),
): ModelRoutes {
  const prices = new Map<string, number>();
  for (const upstream of config.upstreams) {
    for (const entry of modelEntries(upstream)) prices.set(entry.name, entry.pricePerToken);
  }
  const bandits = new Map<string, BanditRoute>();
  const strategies = new Map<string, string>();
  // A hand-made configuration (tests) may have no routes at all.
  for (const [index, route] of (config.routes ?? []).entries()) {
    if (route.strategy !== undefined) {
      refuseBackwardStrategyRoute(route.strategy, index, served);
      strategies.set(route.name, route.strategy);
      continue;
    }
    const models = route.models ?? [];
    const judge = route.judge === undefined ? undefined : served.get(route.judge)?.backend;
    if (route.judge !== undefined && judge === undefined) {
      throw new ConfigError(
        `routes: route "${route.name}" has judge "${route.judge}", which is not among the served models (${[...served.keys()].join(", ") || "none"})`,
        { field: "judge" },
      );
    }
    bandits.set(route.name, {
      name: route.name,
      router: createBanditRouter({
        arms: models,
        policy: route.policy as BanditPolicyName,
        lambda: route.lambda ?? 0,
        seed: route.seed ?? 0,
      }),
      prices: new Map(models.map((model) => [model, prices.get(model) ?? 1])),
      ...(judge === undefined ? {} : { judge: llmJudgeScorer({ backend: judge }), judgeModel: route.judge }),
    });
  }
  return { bandits, strategies };
}
