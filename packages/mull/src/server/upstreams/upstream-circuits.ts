import type { ServedModel } from "./served-model.ts";
import type { UpstreamCircuit } from "./upstream-circuit.ts";

/**
 * The circuit breaker of each upstream, by upstream name: one per upstream, shared by its models (models
 * without a breaker are left out).
 *
 * @example
 * for (const [upstream, circuit] of upstreamCircuits(models)) metrics.watchCircuit(upstream, () => circuit.state());
 */
export function upstreamCircuits(models: readonly ServedModel[]): ReadonlyMap<string, UpstreamCircuit> {
  const circuits = new Map<string, UpstreamCircuit>();
  for (const model of models) {
    if (model.circuit !== undefined && !circuits.has(model.upstream))
      circuits.set(model.upstream, model.circuit);
  }
  return circuits;
}
