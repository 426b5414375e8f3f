import { ConfigError, findCause } from "../../errors/index.ts";
import type { Backend, OutcomeScorer, ProcessRewardModel } from "../../spec/index.ts";
import { parseStrategySpec, splitModelRoute } from "../../strategies/index.ts";

/** What a strategy route needs of a served model: its backend, and the scorer and PRM a request's strategy gets. */
export interface RoutedServedModel {
  readonly backend: Backend;
  readonly scorer?: OutcomeScorer | undefined;
  readonly prm?: ProcessRewardModel | undefined;
}

/** Whether `error` is a routing strategy's refusal of its models (field `models`, e.g. `refuseLargestFirst`). */
function isModelsRefusal(error: unknown): error is ConfigError {
  return ConfigError.isInstance(error) && error.field === "models";
}

/**
 * Refuses, at start-up, a strategy route (`routes[i].strategy`, `cascade@8:lab-small>lab-large`) whose
 * strategy refuses its served models, as every request for the route would be refused: its models run
 * largest first as far as their backends describe their sizes (`refuseLargestFirst`: the embedded engine's
 * models, lab models included, or an upstream model whose backend gives its `architecture`). The strategy
 * is built as a request for the route builds it (`parseStrategySpec` over the served backends, with the
 * first model's scorer and process reward model). A route naming a model not among `served` is left to
 * the request (`parseServerConfig` refuses routes over models the server does not serve), and so is any
 * other refusal of the spec (a scorer it needs, for one): the request says it as it does now.
 *
 * @throws ConfigError (field `routes[i].strategy`) whose message is the entry and its spec, then the
 * strategy's own refusal: `routes[0].strategy "cascade@8:lab-v2-large>lab-v2-small": cascade: route
 * lab-v2-large>lab-v2-small puts lab-v2-large (2,088,160 parameters) before lab-v2-small (117,952
 * parameters); expected the smallest first (lab-v2-small>lab-v2-large)`.
 * @example
 * refuseBackwardStrategyRoute("cascade@8:small>large", 0, served); // config.routes[0].strategy
 */
export function refuseBackwardStrategyRoute(
  strategy: string,
  index: number,
  served: ReadonlyMap<string, RoutedServedModel>,
): void {
  const names = splitModelRoute(strategy).route ?? [];
  const models = names.map((name) => served.get(name));
  const first = models[0];
  if (first === undefined || models.some((model) => model === undefined)) return;
  try {
    parseStrategySpec(strategy, {
      scorer: first.scorer,
      prm: first.prm,
      // Every name of the route is served: checked just above.
      resolveModel: (name) => (served.get(name) ?? first).backend,
    });
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    const refusal = findCause(error, isModelsRefusal);
    if (refusal === undefined) return;
    const field = `routes[${index}].strategy`;
    throw new ConfigError(`${field} ${JSON.stringify(strategy)}: ${refusal.message}`, {
      field,
      cause: error,
    });
  }
}
