import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../spec/index.ts";
import { usageByModel } from "./usage-by-model.ts";

const usage = (completionTokens: number) => ({ promptTokens: 5, completionTokens, calls: 1 });

const events: TraceEvent[] = [
  {
    id: "1",
    parentId: undefined,
    time: 0,
    type: "run-start",
    strategy: "cascade@2",
    parameters: {},
    question: "q",
  },
  { id: "2", parentId: "1", time: 1, type: "run-start", strategy: "sc@2", parameters: {}, question: "q" },
  {
    id: "3",
    parentId: "2",
    time: 2,
    type: "generation",
    text: "a",
    finishReason: "stop",
    completionTokens: 4,
    model: "small",
    usage: usage(8),
  },
  {
    id: "4",
    parentId: "2",
    time: 2,
    type: "generation",
    text: "b",
    finishReason: "stop",
    completionTokens: 4,
    model: "small",
  },
  {
    id: "5",
    parentId: "1",
    time: 3,
    type: "generation",
    text: "c",
    finishReason: "stop",
    completionTokens: 9,
    model: "large",
    usage: usage(9),
  },
  {
    id: "6",
    parentId: undefined,
    time: 4,
    type: "generation",
    text: "d",
    finishReason: "stop",
    completionTokens: 3,
    model: "large",
    usage: usage(3),
  },
];

describe("usageByModel", () => {
  it("sums each generation's usage under its model, over a run's subtree", () => {
    expect(usageByModel(events, "1")).toEqual({
      small: { promptTokens: 5, completionTokens: 8, calls: 1 },
      large: { promptTokens: 5, completionTokens: 9, calls: 1 },
    });
  });

  it("covers the whole trace without a root, and only the subtree under a nested run", () => {
    expect(usageByModel(events).large?.completionTokens).toBe(12);
    expect(usageByModel(events, "2")).toEqual({ small: { promptTokens: 5, completionTokens: 8, calls: 1 } });
  });
});
