import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { failureBody } from "./failure-body.ts";

describe("failureBody", () => {
  const error = new ApiError(400, "the request's budget ran out (tokens) before any sample was produced", {
    code: "budget_exhausted",
  });

  it("puts what the request was charged beside OpenAI's error, as mull.usage", () => {
    expect(failureBody(error, { promptTokens: 12, completionTokens: 18, calls: 1 })).toEqual({
      error: error.body().error,
      mull: { usage: { prompt_tokens: 12, completion_tokens: 18, total_tokens: 30, calls: 1 } },
    });
  });

  it("says null for a count no upstream call reported", () => {
    expect(failureBody(error, { promptTokens: undefined, completionTokens: 12, calls: 4 })).toMatchObject({
      mull: { usage: { prompt_tokens: null, completion_tokens: 12, total_tokens: null, calls: 4 } },
    });
  });

  it("is OpenAI's error alone for a request charged nothing", () => {
    expect(failureBody(error, undefined)).toEqual(error.body());
  });
});
