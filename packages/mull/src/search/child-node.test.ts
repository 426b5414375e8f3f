import { describe, expect, it } from "vitest";
import type { StepExtension } from "../steps/index.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { childNode } from "./child-node.ts";
import type { SearchNode } from "./search-node.ts";
import { resolveSearchSettings } from "./search-settings.ts";

const prm = { name: "flat", score: async () => ({ results: [], calls: 0 }) };

function settingsWith(limits: { maxSteps?: number; maxSolutionTokens?: number }) {
  return resolveSearchSettings({ prm, ...limits }, testStrategyContext(), {
    aggregation: "last",
    select: "best",
  });
}

const parent: SearchNode = {
  id: "g1",
  parent: undefined,
  steps: ["10+5=15", "15+3=18"],
  final: false,
  finishReason: "stop",
  tokens: 8,
  logprob: -1,
  rewards: [1, 1],
  value: 1,
};

function extension(extra: Partial<StepExtension> = {}): StepExtension {
  return {
    id: "g2",
    parentId: "g1",
    step: "18-4=14",
    steps: [...parent.steps, "18-4=14"],
    final: false,
    finishReason: "stop",
    completionTokens: 4,
    logprob: -0.5,
    ...extra,
  };
}

describe("childNode", () => {
  it("adds up the path's tokens and log-probability, unscored, and open below the limits", () => {
    const child = childNode(parent, extension(), settingsWith({ maxSteps: 4, maxSolutionTokens: 13 }));
    expect(child).toMatchObject({ id: "g2", final: false, finishReason: "stop", tokens: 12, logprob: -1.5 });
    expect(child.parent).toBe(parent);
    expect(child.value).toBeUndefined();
  });

  it("completes a path at exactly maxSteps steps, cut off with finish reason length", () => {
    const child = childNode(parent, extension(), settingsWith({ maxSteps: 3 }));
    expect(child).toMatchObject({ final: true, finishReason: "length" });
    // A final step at the limit is an answer, not a cut.
    const answered = childNode(parent, extension({ final: true }), settingsWith({ maxSteps: 3 }));
    expect(answered).toMatchObject({ final: true, finishReason: "stop" });
  });

  it("completes a path whose counted tokens reach maxSolutionTokens exactly", () => {
    const child = childNode(parent, extension(), settingsWith({ maxSolutionTokens: 12 }));
    expect(child).toMatchObject({ final: true, finishReason: "length", tokens: 12 });
  });
});
