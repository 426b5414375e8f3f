import { addUsage, emptyUsage } from "../budget/index.ts";
import type { TraceEvent, Usage } from "../spec/index.ts";

/**
 * Usage per model over the generations recorded under one trace node (a run's `run-start` id), or over the
 * whole trace without one: each generation event's usage goes to its `model`, and so does a score event's
 * that carries usage (a large model reading a small one's tokens). Routers report with it which model wrote
 * and read what. Events without a model count under `unknown`.
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
    if ((event.type !== "generation" && event.type !== "score") || event.usage === undefined) continue;
    const model = event.model ?? "unknown";
    totals[model] = addUsage(totals[model] ?? emptyUsage, event.usage);
  }
  return totals;
}
