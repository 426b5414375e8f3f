import type { Handler } from "hono";
import type { CircuitBreaker } from "../upstreams/index.ts";

/** Options of `healthRoute`. */
export interface HealthRouteOptions {
  /** True once the server is shutting down. */
  readonly draining: () => boolean;
  /** Generation requests being served. */
  readonly inFlight: () => number;
  /** The circuit breaker of each upstream, by upstream name. */
  readonly circuits: ReadonlyMap<string, CircuitBreaker>;
}

/**
 * `GET /health`, open without a key: 200 `ok`, or 503 `draining` once the server shuts down (load
 * balancers stop sending), with the requests in flight and each upstream's circuit state.
 *
 * @example
 * app.get("/health", healthRoute({ draining: () => false, inFlight: () => 0, circuits: new Map() }));
 */
export function healthRoute(options: HealthRouteOptions): Handler {
  const circuitStates = () =>
    Object.fromEntries([...options.circuits].map(([upstream, circuit]) => [upstream, circuit.state()]));
  return (context) =>
    options.draining()
      ? context.json({ status: "draining", in_flight: options.inFlight(), circuits: circuitStates() }, 503)
      : context.json({ status: "ok", in_flight: options.inFlight(), circuits: circuitStates() });
}
