import { describe, expect, it } from "vitest";
import type { Strategy } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { forwardedBody } from "./forwarded-body.ts";
import type { ChatRequestBody } from "./request-schema.ts";

function served(kind: ServedModel["kind"], promptTemplate?: () => never): ServedModel {
  return { name: "m", kind, profile: { promptTemplate } } as unknown as ServedModel;
}

const strategy = (samples: number, voting: boolean) =>
  ({
    name: `s@${samples}`,
    samples,
    parameters: {},
    ...(voting ? { select: () => undefined } : {}),
  }) as unknown as Strategy;

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
      forwardedBody(body({ tools, top_k: 5, user: null }), served("openai-compatible"), strategy(8, true)),
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
      forwardedBody(body({ tools }), served("openai-compatible"), strategy(4, false)),
    );
    expect(search.param).toBe("tools");
    expect(search.message).toMatch(/s@4 cannot vote over tool calls/);
    expect(forwardedBody(body({ tools }), served("openai-compatible"), strategy(1, false))).toEqual({
      tools,
    });
  });
});
