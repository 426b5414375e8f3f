import type { Strategy, TraceEvent } from "../spec/index.ts";
import { findStrategyEntry } from "./find-strategy-entry.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `routesModels`. */
export interface RoutesModelsOptions {
  /** The strategy given: a spec, or a strategy object. */
  readonly strategy: Strategy | string;
  /** The run's trace. */
  readonly trace: readonly TraceEvent[];
  /** The entries the spec is read by; default `strategyCatalog`. */
  readonly catalog?: readonly StrategyEntry[] | undefined;
}

/** Whether a strategy's parameters name the models of a route: `models` (a cascade), or `small` and `large`. */
function namesRoute(parameters: Readonly<Record<string, unknown>>): boolean {
  const { models, small, large } = parameters;
  const named = (value: unknown) => typeof value === "string" && value !== "";
  return (
    (Array.isArray(models) && models.length >= 2 && models.every(named)) || (named(small) && named(large))
  );
}

/**
 * Whether a run routed between models, so that its usage is reported by model (`SolveResult.usageByModel`)
 * even when one model alone generated, as a cascade that did not escalate: its strategy is a routing spec
 * (a catalog entry that needs models: `cascade@8:lab-small>lab-large`, or `cascade@8` with a route), or
 * one of the runs in its trace is a routing strategy's, whose parameters name its models (`models`, as a
 * cascade records them, or `small` and `large`, as `bild@T` and `glimp@T` do), however it was given (a
 * strategy object, as `mull serve` builds from the model field).
 *
 * @example
 * routesModels({ strategy: "cascade@8:lab-small>lab-large", trace: result.trace }); // true
 * routesModels({ strategy: "sc@8", trace: result.trace }); // false
 */
export function routesModels(options: RoutesModelsOptions): boolean {
  const { strategy, trace } = options;
  if (
    typeof strategy === "string" &&
    findStrategyEntry(strategy, { catalog: options.catalog })?.entry.needs.includes("models") === true
  ) {
    return true;
  }
  return trace.some((event) => event.type === "run-start" && namesRoute(event.parameters));
}
