import { describe, expect, it } from "vitest";
import type { Completion } from "../spec/index.ts";
import { completionLogprobs } from "./completion-logprobs.ts";

const written: Completion = {
  index: 0,
  text: "4 2",
  finishReason: "stop",
  completionTokens: 2,
  tokens: [
    { token: "4", logprob: -0.5 },
    { token: " 2", logprob: -1.5 },
  ],
};

describe("completionLogprobs", () => {
  it("sums the tokens' log-probabilities and takes their mean", () => {
    expect(completionLogprobs(written)).toEqual({ logprob: -2, meanLogprob: -1 });
  });

  it("adds the end token's log-probability to the sum, not to the mean", () => {
    expect(completionLogprobs({ ...written, endLogprob: -0.25 })).toEqual({
      logprob: -2.25,
      meanLogprob: -1,
    });
  });

  it("knows neither for a completion without tokens, or with none written", () => {
    const unknown = { logprob: undefined, meanLogprob: undefined };
    expect(completionLogprobs({ ...written, tokens: undefined, endLogprob: -0.25 })).toEqual(unknown);
    expect(completionLogprobs({ ...written, text: "", tokens: [] })).toEqual(unknown);
  });
});
