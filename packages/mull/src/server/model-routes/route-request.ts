import { splitStrategyPrefix } from "../../strategies/index.ts";
import { ApiError } from "../http/index.ts";
import type { RequestOutcome, RequestPlan } from "../requests/index.ts";
import type { BanditRoute, ModelRoutes } from "./model-routes.ts";
import { type RouteReward, routeReward } from "./route-reward.ts";

/** A bandit's choice for one request, waiting for what the request earns. */
export interface RoutePull {
  readonly route: BanditRoute;
  /** The model chosen. */
  readonly model: string;
  /**
   * Teaches the bandit what the request earned: its reward (`routeReward`) and its cost, the request's
   * tokens (prompt and completion, every sample) × the chosen model's price per token.
   */
  settle(plan: RequestPlan, outcome: RequestOutcome): Promise<RouteReward & { readonly cost: number }>;
  /** The request failed upstream: a reward of 0 (and no cost, as nothing was counted). */
  fail(): void;
  /** The request was refused or abandoned before any answer: the pull is taken back. */
  release(): void;
}

/** A request's model after routing: the name to plan with, and the bandit's pull when one chose it. */
export interface RoutedModel {
  readonly model: string;
  readonly pull: RoutePull | undefined;
}

function pullOf(route: BanditRoute, model: string): RoutePull {
  let done = false;
  const once = (): boolean => {
    const first = !done;
    done = true;
    return first;
  };
  return {
    route,
    model,
    async settle(plan, outcome) {
      const earned = await routeReward(plan, outcome, route.judge);
      const tokens = (outcome.usage.promptTokens ?? 0) + (outcome.usage.completionTokens ?? 0);
      const cost = tokens * (route.prices.get(model) ?? 1);
      if (once()) route.router.record(model, { reward: earned.reward, cost });
      return { ...earned, cost };
    },
    fail() {
      if (once()) route.router.record(model, { reward: 0, cost: 0 });
    },
    release() {
      if (once()) route.router.release(model);
    },
  };
}

/**
 * Resolves a request's `model` through the configured routes: a bandit route (`auto`, or after a strategy
 * prefix, `sc@8:auto`) becomes the model its bandit chooses, with the pull to settle; a strategy route
 * becomes its spec (`cascade@8:lab-small>lab-large`); any other name is left as it is.
 *
 * @throws ApiError 400 for a strategy prefix before a strategy route (the route already names its strategy).
 * @example
 * const { model, pull } = routeModel("sc@8:auto", routes); // model "sc@8:lab-large"
 */
export function routeModel(name: string, routes: ModelRoutes): RoutedModel {
  const split = splitStrategyPrefix(name);
  const bare =
    split === undefined || routes.bandits.has(name) || routes.strategies.has(name) ? name : split.model;
  const prefix = bare === name ? "" : `${split?.strategy}:`;
  const bandit = routes.bandits.get(bare);
  if (bandit !== undefined) {
    const model = bandit.router.choose();
    return { model: `${prefix}${model}`, pull: pullOf(bandit, model) };
  }
  const spec = routes.strategies.get(bare);
  if (spec === undefined) return { model: name, pull: undefined };
  if (prefix !== "") {
    throw new ApiError(400, `route ${bare} runs ${spec}; give it without a strategy prefix`, {
      param: "model",
      code: "invalid_strategy",
    });
  }
  return { model: spec, pull: undefined };
}
