import { describe, expect, it } from "vitest";
import { candidatesReached } from "./candidates-reached.ts";
import type { RunProgress } from "./run-progress.ts";

function finished(count: number): RunProgress {
  return {
    spent: {
      usage: { promptTokens: undefined, completionTokens: 0, calls: count },
      scoreCalls: 0,
      elapsedMilliseconds: 0,
      costUsd: undefined,
    },
    candidates: Array.from({ length: count }, (_, index) => ({
      id: String(index),
      text: "",
      answer: undefined,
      finishReason: "stop" as const,
      completionTokens: 1,
      scores: [],
    })),
    votes: {},
    keys: Array.from({ length: count }, () => undefined),
  };
}

describe("candidatesReached", () => {
  it("stops once that many candidates have finished, with or without an answer", () => {
    expect(candidatesReached(3).shouldStop(finished(2))).toBe(false);
    expect(candidatesReached(3).shouldStop(finished(3))).toBe(true);
    expect(() => candidatesReached(0)).toThrow(/candidatesReached: count must be/);
  });
});
