import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { anthropicErrorBody, anthropicErrorOf, anthropicErrors } from "./anthropic-error.ts";

// Errors in Anthropic's shape: the type each status maps to, what a charged failure tells of its usage,
// and the middleware that rewrites OpenAI-shaped errors while keeping Anthropic-shaped ones whole.

/** What a failed request was charged for upstream work before it failed. */
const charged = { promptTokens: 10, completionTokens: 5, calls: 1 };

// biome-ignore lint/suspicious/noExplicitAny: the tests read Anthropic's JSON shapes as they come.
type Json = any;

/** The body `/v1/messages` answers, behind `anthropicErrors()`, when its handler answers `body` with `status`. */
async function answeredThrough(body: object, status: 400 | 502): Promise<Json> {
  const app = new Hono();
  app.use("/v1/messages", anthropicErrors());
  app.post("/v1/messages", (context) => context.json(body, status));
  const response = await app.request("/v1/messages", { method: "POST" });
  expect(response.status).toBe(status);
  return (await response.json()) as Json;
}

describe("anthropicErrorBody", () => {
  it("maps each status to Anthropic's error type", () => {
    const typeOf = (status: number) => (anthropicErrorBody(status, "x").error as { type: string }).type;
    expect(typeOf(400)).toBe("invalid_request_error");
    expect(typeOf(401)).toBe("authentication_error");
    expect(typeOf(403)).toBe("permission_error");
    expect(typeOf(404)).toBe("not_found_error");
    expect(typeOf(413)).toBe("request_too_large");
    expect(typeOf(429)).toBe("rate_limit_error");
    expect(typeOf(500)).toBe("api_error");
    expect(typeOf(502)).toBe("api_error");
    expect(typeOf(503)).toBe("overloaded_error");
    expect(typeOf(529)).toBe("overloaded_error");
  });
});

describe("anthropicErrorOf", () => {
  it("tells a charged failure's usage in Anthropic's shape and in the mull object", () => {
    const body = anthropicErrorOf(new ApiError(502, "upstream failed"), charged);
    expect(body.type).toBe("error");
    expect(body.usage).toEqual({ input_tokens: 10, output_tokens: 5 });
    expect(body.mull).toEqual({
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, calls: 1 },
    });
  });

  it("tells no usage of a failure that was charged nothing", () => {
    const body = anthropicErrorOf(new ApiError(502, "upstream failed"));
    expect(body).toEqual({ type: "error", error: { type: "api_error", message: "upstream failed" } });
  });
});

describe("anthropicErrors", () => {
  it("leaves an error already in Anthropic's shape as it is, its usage kept", async () => {
    const body = anthropicErrorOf(new ApiError(502, "upstream failed"), charged);
    const json = await answeredThrough(body, 502);
    expect(json.usage).toEqual({ input_tokens: 10, output_tokens: 5 });
    expect(json.mull.usage.calls).toBe(1);
    expect(json).toEqual(body);
  });

  it("rewrites an error in OpenAI's shape into Anthropic's", async () => {
    const json = await answeredThrough(
      { error: { message: "max_tokens is required", type: "invalid_request_error" } },
      400,
    );
    expect(json).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "max_tokens is required" },
    });
  });
});
