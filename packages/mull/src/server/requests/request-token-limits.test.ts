import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { checkRequestTokens, type RequestTokens } from "./request-token-limits.ts";

const served: ServedModel = {
  name: "qwen",
  upstream: "vllm",
  backend: undefined as unknown as ServedModel["backend"],
  kind: "openai-compatible",
  profile: defaultModelProfile,
  contextWindow: undefined,
  scorer: undefined,
};

/** A plain request of `n` choices with a 100-token prompt and max_tokens 100. */
function plain(n: number, extra: Partial<RequestTokens> = {}): RequestTokens {
  return {
    strategy: undefined,
    samples: n,
    n,
    estimatedPromptTokens: 100,
    maxTokens: 100,
    served,
    maxRequestTokens: 400,
    clientMaxTotalTokens: undefined,
    param: "max_tokens",
    ...extra,
  };
}

describe("checkRequestTokens", () => {
  it("accepts a worst case exactly at the per-request cap and refuses one token more", () => {
    // 2 × (100 + 100) = 400: the cap itself.
    expect(checkRequestTokens(plain(2))).toEqual({
      tokens: 400,
      reckoning: "2 samples × (about 100 prompt + 100 max_tokens)",
    });
    // 2 × (100 + 101) = 402.
    let refusal: unknown;
    try {
      checkRequestTokens(plain(2, { maxTokens: 101 }));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 400, param: "max_tokens", code: "budget_exceeded" });
    expect((refusal as ApiError).message).toMatch(
      /^this request may use up to 402 tokens \(2 samples × \(about 100 prompt \+ 101 max_tokens\)\), over the server's per-request cap of 400 tokens/,
    );
  });

  it("lets a client budget under the cap bound a request whose worst case is over it", () => {
    // 3 × 200 = 600 is over 400, but the client allows 350.
    expect(checkRequestTokens(plain(3, { clientMaxTotalTokens: 350 }))).toEqual({
      tokens: 350,
      reckoning: "the request's mull.budget.max_total_tokens",
    });
  });
});
