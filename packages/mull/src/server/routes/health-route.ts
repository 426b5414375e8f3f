import type { Handler } from "hono";
import type { ModelRoutes } from "../model-routes/index.ts";
import type { UpstreamCircuit } from "../upstreams/index.ts";

/** Options of `healthRoute`. */
export interface HealthRouteOptions {
  /** True once the server is shutting down. */
  readonly draining: () => boolean;
  /** Generation requests being served. */
  readonly inFlight: () => number;
  /** The circuit breaker of each upstream, by upstream name. */
  readonly circuits: ReadonlyMap<string, UpstreamCircuit>;
  /** The configured routes; each bandit route's state is listed under `routes`. */
  readonly routes?: ModelRoutes | undefined;
}

/**
 * `GET /health`, open without a key: 200 `ok`, or 503 `draining` once the server shuts down (load
 * balancers stop sending), with the requests in flight, each upstream's circuit state and each bandit
 * route's state: its policy, λ, and per model its pulls, outcomes, mean reward and mean cost. A circuit
 * kept in a shared store that cannot be reached reads `unknown`.
 *
 * @example
 * app.get("/health", healthRoute({ draining: () => false, inFlight: () => 0, circuits: new Map() }));
 */
export function healthRoute(options: HealthRouteOptions): Handler {
  // A shared circuit whose store cannot be reached reads as `unknown`.
  const circuitStates = async () =>
    Object.fromEntries(
      await Promise.all(
        [...options.circuits].map(async ([upstream, circuit]) => {
          try {
            return [upstream, await circuit.state()] as const;
          } catch {
            return [upstream, "unknown"] as const;
          }
        }),
      ),
    );
  const routeStates = () =>
    Object.fromEntries(
      [...(options.routes?.bandits ?? [])].map(([name, { router }]) => [
        name,
        {
          policy: router.policy,
          lambda: router.lambda,
          models: router.arms().map((arm) => ({
            model: arm.name,
            pulls: arm.pulls,
            observations: arm.observations,
            mean_reward: arm.meanReward,
            mean_cost: arm.meanCost,
          })),
        },
      ]),
    );
  return async (context) => {
    const body = {
      status: options.draining() ? "draining" : "ok",
      in_flight: options.inFlight(),
      circuits: await circuitStates(),
      routes: routeStates(),
    };
    return options.draining() ? context.json(body, 503) : context.json(body);
  };
}
