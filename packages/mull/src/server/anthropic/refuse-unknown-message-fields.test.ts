import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { refuseUnknownMessageFields } from "./refuse-unknown-message-fields.ts";

const request = { model: "m", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] };

function refusal(body: unknown): ApiError {
  try {
    refuseUnknownMessageFields(body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("refuseUnknownMessageFields", () => {
  it("lets a body of known fields through, the ones accepted without effect included", () => {
    expect(() =>
      refuseUnknownMessageFields({ ...request, service_tier: "auto", context_management: {}, mull: null }),
    ).not.toThrow();
  });

  it("names an unknown field as the param, cut at 64 characters, and lists what the server takes", () => {
    const long = "x".repeat(100);
    const error = refusal({ ...request, [long]: 1 });
    expect(error.status).toBe(400);
    expect(error.code).toBe("unknown_parameter");
    expect(error.param).toBe("x".repeat(64));
    expect(error.message).not.toContain("x".repeat(65));
    expect(error.message).toMatch(
      /\(this server takes model, max_tokens, messages, .*context_management, mull\)$/,
    );
  });

  it("says why an Anthropic feature is not served, and counts fields past the eighth", () => {
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`extra_${index}`, index]));
    const error = refusal({ ...request, container: "c-1", ...many });
    expect(error.code).toBe("unsupported_parameter");
    expect(error.param).toBe("container");
    expect(error.message).toMatch(
      /^container is not supported here: code execution containers run on Anthropic's side; /,
    );
    expect(error.message).toContain("extra_6 is not a field");
    expect(error.message).not.toContain("extra_7");
    expect(error.message).toContain("and 3 more unknown fields");
  });
});
