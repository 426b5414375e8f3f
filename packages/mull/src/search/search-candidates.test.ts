import { describe, expect, it } from "vitest";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { createSearchCandidates } from "./search-candidates.ts";
import type { SearchNode } from "./search-node.ts";
import { resolveSearchSettings } from "./search-settings.ts";

const context = testStrategyContext();
const settings = resolveSearchSettings(
  { prm: { name: "flat", score: async () => ({ results: [], calls: 0 }) } },
  context,
  { aggregation: "last", select: "best" },
);

function node(extra: Partial<SearchNode>): SearchNode {
  return {
    id: "g1",
    parent: undefined,
    steps: ["10+5=15"],
    final: false,
    finishReason: "stop",
    tokens: 2,
    logprob: undefined,
    rewards: undefined,
    value: undefined,
    ...extra,
  };
}

describe("createSearchCandidates", () => {
  it("gives a candidate its path's log-probability and the mean per generated token", () => {
    const candidates = createSearchCandidates("flat", settings, context, { kind: "text", text: "Q" });
    const candidate = candidates.of(node({ logprob: -4, tokens: 2 }));
    // -4 over 2 tokens: -2 per token.
    expect(candidate).toMatchObject({ logprob: -4, meanLogprob: -2, completionTokens: 2 });
    // Without a token count, or with none generated, there is no mean.
    expect(candidates.of(node({ logprob: -4, tokens: undefined })).meanLogprob).toBeUndefined();
    expect(candidates.of(node({ logprob: 0, tokens: 0 })).meanLogprob).toBeUndefined();
  });

  it("gives a complete node a solution score besides its process score, and a partial one its process score only", () => {
    const candidates = createSearchCandidates("flat", settings, context, { kind: "text", text: "Q" });
    expect(candidates.solutionScorer).toBe("flat:mean");
    const partial = candidates.of(node({ id: "g1", rewards: [0.5], value: 0.5 }));
    expect(partial.scores).toEqual([{ scorer: "flat", kind: "process", value: 0.5, steps: [0.5] }]);
    const complete = candidates.of(
      node({ id: "g2", steps: ["10+5=15", "#### 15"], final: true, rewards: [1, 0.5], value: 0.5 }),
    );
    expect(complete.scores).toEqual([
      { scorer: "flat", kind: "process", value: 0.5, steps: [1, 0.5] },
      { scorer: "flat:mean", kind: "outcome", value: 0.75 },
    ]);
  });
});
