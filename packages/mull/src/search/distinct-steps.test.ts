import { describe, expect, it } from "vitest";
import { distinctSteps } from "./distinct-steps.ts";
import type { SearchNode } from "./search-node.ts";

function child(id: string, step: string): SearchNode {
  return {
    id,
    parent: undefined,
    steps: ["10+5=15", step],
    final: false,
    finishReason: "stop",
    tokens: undefined,
    logprob: undefined,
    rewards: undefined,
    value: undefined,
  };
}

describe("distinctSteps", () => {
  it("keeps the first sibling with each last step and sets the repeats apart, in order", () => {
    const siblings = [
      child("a", "15+3=18"),
      child("b", "15+3=28"),
      child("c", "15+3=18"),
      child("d", "15+3=8"),
      child("e", "15+3=28"),
    ];
    const { kept, repeated } = distinctSteps(siblings);
    expect(kept.map((node) => node.id)).toEqual(["a", "b", "d"]);
    expect(repeated.map((node) => node.id)).toEqual(["c", "e"]);
    expect(distinctSteps([])).toEqual({ kept: [], repeated: [] });
  });
});
