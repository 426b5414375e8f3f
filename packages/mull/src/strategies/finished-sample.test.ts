import { describe, expect, it } from "vitest";
import type { Candidate, FinishReason } from "../spec/index.ts";
import { finishedSample } from "./finished-sample.ts";

const ending = (finishReason: FinishReason): Candidate => ({
  id: "g0",
  text: "x",
  answer: undefined,
  finishReason,
  completionTokens: 1,
  scores: [],
});

describe("finishedSample", () => {
  it("takes a sample that stopped or ran to its own length, not one aborted or cut", () => {
    const reasons: FinishReason[] = ["stop", "length", "unknown", "abort", "cut"];
    expect(reasons.filter((reason) => finishedSample(ending(reason)))).toEqual(["stop", "length", "unknown"]);
  });
});
