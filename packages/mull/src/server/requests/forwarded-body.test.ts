import { describe, expect, it } from "vitest";
import type { OutcomeScorer, ProcessRewardModel } from "../../spec/index.ts";
import { parseStrategySpec } from "../../strategies/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { forwardedBody } from "./forwarded-body.ts";
import type { ChatRequestBody } from "./request-schema.ts";

function served(kind: ServedModel["kind"], promptTemplate?: () => never): ServedModel {
  return { name: "m", kind, profile: { promptTemplate } } as unknown as ServedModel;
}

/** A catalog strategy by its spec; a search or a verifier gets a PRM or a scorer that is never called. */
const strategy = (spec: string) =>
  parseStrategySpec(spec, {
    prm: { name: "prm", score: async () => ({ results: [], calls: 0 }) } as ProcessRewardModel,
    scorer: { name: "judge", score: async () => ({ scores: [] }) } as unknown as OutcomeScorer,
  });

const body = (fields: object) =>
  ({ model: "m", messages: [{ role: "user", content: "hi" }], ...fields }) as ChatRequestBody;

function refusal(run: () => unknown): { param: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("forwardedBody", () => {
  const tools = [{ type: "function" as const, function: { name: "f" } }];

  it("forwards the given fields to an OpenAI-compatible upstream, leaving out nulls", () => {
    expect(
      forwardedBody(body({ tools, top_k: 5, user: null }), served("openai-compatible"), strategy("sc@8")),
    ).toEqual({
      tools,
      top_k: 5,
    });
  });

  it("refuses what cannot be honoured, naming the field", () => {
    expect(refusal(() => forwardedBody(body({ min_p: 0.1 }), served("embedded"), undefined)).param).toBe(
      "min_p",
    );
    expect(
      refusal(() =>
        forwardedBody(
          body({ tools }),
          served("openai-compatible", () => {
            throw new Error("template");
          }),
          undefined,
        ),
      ).param,
    ).toBe("tools");
    const search = refusal(() =>
      forwardedBody(body({ tools }), served("openai-compatible"), strategy("beam@4x2")),
    );
    expect(search.param).toBe("tools");
    expect(search.message).toMatch(
      /strategy beam@4x2 cannot vote over tool calls: it is a step-level search/,
    );
    const forced = refusal(() =>
      forwardedBody(body({ tools }), served("openai-compatible"), strategy("force@64")),
    );
    expect(forced.message).toMatch(/force@64 cannot vote over tool calls: .*cannot end in function calls/);
    expect(forced.message).toMatch(/\(greedy, single, sc@N, .*asc@N, .*mass@N, .*accept@N\)$/);
  });

  it("takes the values that turn truncation off for an embedded model, and refuses those that truncate", () => {
    // mull's own client sends them to switch off an upstream's hidden truncation defaults.
    expect(forwardedBody(body({ top_k: 0, min_p: 0 }), served("embedded"), strategy("sc@8"))).toEqual({});
    expect(forwardedBody(body({ top_k: -1 }), served("embedded"), undefined)).toEqual({});
    const topK = refusal(() => forwardedBody(body({ top_k: 40, min_p: 0 }), served("embedded"), undefined));
    expect(topK).toEqual({
      param: "top_k",
      message:
        "top_k is passed to OpenAI-compatible upstreams only; model m runs in this server and cannot honour it (got 40; it samples without truncation and takes only the values that turn truncation off: 0 or -1)",
    });
    expect(
      refusal(() => forwardedBody(body({ min_p: 0.05 }), served("embedded"), undefined)).message,
    ).toMatch(/cannot honour it \(got 0\.05; .*: 0\)$/);
    // Other fields, and a model whose sampler this server does not know, get no such leeway.
    expect(refusal(() => forwardedBody(body({ top_k: 0 }), served("other"), undefined)).message).toBe(
      "top_k is passed to OpenAI-compatible upstreams only; model m runs in this server and cannot honour it",
    );
    expect(
      refusal(() => forwardedBody(body({ repetition_penalty: 1 }), served("embedded"), undefined)).param,
    ).toBe("repetition_penalty");
    // An upstream gets them as they are.
    expect(forwardedBody(body({ top_k: 0, min_p: 0 }), served("openai-compatible"), undefined)).toEqual({
      top_k: 0,
      min_p: 0,
    });
  });

  it("forwards unknown fields as they are, and refuses them where they cannot reach an upstream", () => {
    const unknownFields = { reasoning_effort: "high", guided_choice: ["a", "b"], seed_offset: null };
    expect(forwardedBody(body({ unknownFields }), served("openai-compatible"), undefined)).toEqual({
      reasoning_effort: "high",
      guided_choice: ["a", "b"],
    });
    expect(forwardedBody(body({ unknownFields }), served("openai-compatible"), strategy("bon@4"))).toEqual({
      reasoning_effort: "high",
      guided_choice: ["a", "b"],
    });
    const embedded = refusal(() => forwardedBody(body({ unknownFields }), served("embedded"), undefined));
    expect(embedded.param).toBe("reasoning_effort");
    expect(embedded.message).toMatch(
      /^reasoning_effort is not a field this server models: .*model m runs in this server$/,
    );
    // A null asks for nothing: not even an embedded model refuses it.
    expect(forwardedBody(body({ unknownFields: { x: null } }), served("embedded"), undefined)).toEqual({});
    // A name over 16 characters may be a pasted key: described by its length, never repeated.
    const long = refusal(() =>
      forwardedBody(body({ unknownFields: { ["f".repeat(300)]: 1 } }), served("other"), undefined),
    );
    expect(long.param).toBe("(an unknown key of 300 characters)");
    expect(long.message).toMatch(/^\(an unknown key of 300 characters\) is not a field this server models/);
    // Fields a sample call cannot carry pass without a strategy, and are refused under one.
    expect(
      forwardedBody(body({ unknownFields: { echo: true } }), served("openai-compatible"), undefined),
    ).toEqual({
      echo: true,
    });
    const echo = refusal(() =>
      forwardedBody(body({ unknownFields: { echo: true } }), served("openai-compatible"), strategy("sc@8")),
    );
    expect(echo).toEqual({
      param: "echo",
      message:
        "echo cannot be sent on the sample calls of strategy sc@8: it would put the prompt into every sample's text, which the strategy reads its answer from; send it without a strategy",
    });
    // A field named like an object's own method is an ordinary unknown field.
    expect(
      forwardedBody(
        body({ unknownFields: { toString: "x" } }),
        served("openai-compatible"),
        strategy("sc@8"),
      ),
    ).toEqual({ toString: "x" });
  });

  it("offers tools under every strategy that chooses among whole samples, the adaptive ones too", () => {
    for (const spec of [
      "greedy",
      "sc@8",
      "bon@4",
      "asc@8",
      "esc@8w4",
      "pasc@8",
      "mass@5",
      "accept@5",
      "deepconf-online@8",
    ]) {
      expect(forwardedBody(body({ tools }), served("openai-compatible"), strategy(spec))).toEqual({ tools });
    }
  });
});
