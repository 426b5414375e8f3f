import { addUsage, emptyUsage } from "../budget/usage.ts";
import type { TraceEvent, Usage } from "../spec/index.ts";

/**
 * Usage per model over the generations recorded under one trace node (a run's `run-start` id), or over the
 * whole trace without one: each generation event's usage goes to its `model`. Routers report with it which
 * model wrote what. Generations without a model count under `unknown`.
 *
 * @example
 * usageByModel(result.trace); // { "lab-small": { completionTokens: 812, … }, "lab-large": { … } }
 */
export function usageByModel(
  events: readonly TraceEvent[],
  rootId?: string | undefined,
): Readonly<Record<string, Usage>> {
  const inside = new Set<string>(rootId === undefined ? [] : [rootId]);
  const totals: Record<string, Usage> = {};
  for (const event of events) {
    if (rootId !== undefined) {
      if (event.parentId === undefined || !inside.has(event.parentId)) continue;
      inside.add(event.id);
    }
    if (event.type !== "generation" || event.usage === undefined) continue;
    const model = event.model ?? "unknown";
    totals[model] = addUsage(totals[model] ?? emptyUsage, event.usage);
  }
  return totals;
}
