import type { TraceEvent } from "../spec/index.ts";

/** An event with the events recorded under it, in order. */
export interface TraceNode {
  /** The event itself. */
  readonly event: TraceEvent;
  /** The nodes of the events recorded under it (its `parentId`), in the order they were recorded. */
  readonly children: readonly TraceNode[];
}

/**
 * Arranges a flat trace into its tree. Events whose parent is not in the list become roots, so a
 * slice of a trace still gives a tree.
 *
 * @example
 * const [run] = traceToTree(result.trace);
 * const generations = (run?.children ?? []).filter((node) => node.event.type === "generation");
 */
export function traceToTree(events: readonly TraceEvent[]): TraceNode[] {
  const children = new Map<string, TraceNode[]>();
  const nodes = new Map<string, TraceNode>();
  for (const event of events) {
    const own: TraceNode[] = [];
    children.set(event.id, own);
    nodes.set(event.id, { event, children: own });
  }
  const roots: TraceNode[] = [];
  for (const event of events) {
    const node = nodes.get(event.id)!;
    const siblings = event.parentId === undefined ? undefined : children.get(event.parentId);
    if (siblings === undefined || event.parentId === event.id) roots.push(node);
    else siblings.push(node);
  }
  return roots;
}
