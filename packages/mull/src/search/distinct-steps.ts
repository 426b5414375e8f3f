import type { SearchNode } from "./search-node.ts";

/** Splits siblings into those with a new last step and those repeating an earlier sibling's step. */
export function distinctSteps(children: readonly SearchNode[]): {
  kept: SearchNode[];
  repeated: SearchNode[];
} {
  const seen = new Set<string>();
  const kept: SearchNode[] = [];
  const repeated: SearchNode[] = [];
  for (const child of children) {
    const step = child.steps.at(-1) ?? "";
    if (seen.has(step)) repeated.push(child);
    else {
      seen.add(step);
      kept.push(child);
    }
  }
  return { kept, repeated };
}
