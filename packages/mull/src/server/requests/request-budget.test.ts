import { describe, expect, it } from "vitest";
import { parseServerConfig } from "../config/index.ts";
import { requestBudget } from "./request-budget.ts";

const { limits } = parseServerConfig({
  upstreams: [{ name: "vllm", baseUrl: "https://llm.example.com/v1", models: ["qwen"] }],
  limits: { maxRequestMilliseconds: 1_000, maxRequestTokens: 5_000 },
});

describe("requestBudget", () => {
  it("takes the server's caps when the client sets no budget", () => {
    expect(requestBudget(undefined, limits)).toEqual({ maxMilliseconds: 1_000, maxTotalTokens: 5_000 });
  });

  it("lets a client lower the caps on time and tokens, never raise them", () => {
    expect(requestBudget({ max_milliseconds: 250, max_total_tokens: 800 }, limits)).toMatchObject({
      maxMilliseconds: 250,
      maxTotalTokens: 800,
    });
    expect(requestBudget({ max_milliseconds: 999_999, max_total_tokens: 999_999 }, limits)).toMatchObject({
      maxMilliseconds: 1_000,
      maxTotalTokens: 5_000,
    });
  });

  it("passes the client's completion-token and call limits through", () => {
    expect(requestBudget({ max_completion_tokens: 64, max_calls: 3 }, limits)).toEqual({
      maxMilliseconds: 1_000,
      maxTotalTokens: 5_000,
      maxCompletionTokens: 64,
      maxCalls: 3,
    });
  });
});
