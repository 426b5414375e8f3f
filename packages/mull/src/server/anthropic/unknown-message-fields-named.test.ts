import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { refuseUnknownMessageFields } from "./refuse-unknown-message-fields.ts";

// A refusal names up to eight unknown fields and counts only those past the eighth.

const request = { model: "m", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] };

/** A body with `count` unknown fields, `extra_0` onwards. */
function withUnknownFields(count: number): Record<string, unknown> {
  const extra = Object.fromEntries(Array.from({ length: count }, (_, index) => [`extra_${index}`, index]));
  return { ...request, ...extra };
}

function refusalMessage(body: unknown): string {
  try {
    refuseUnknownMessageFields(body);
  } catch (error) {
    if (error instanceof ApiError) return error.message;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("refuseUnknownMessageFields with many unknown fields", () => {
  it("names exactly eight unknown fields, every one, and counts none more", () => {
    const message = refusalMessage(withUnknownFields(8));
    for (let index = 0; index < 8; index += 1) expect(message).toContain(`extra_${index} is not a field`);
    expect(message).not.toContain("more unknown");
  });

  it("counts the ninth as one more unknown field", () => {
    const message = refusalMessage(withUnknownFields(9));
    expect(message).not.toContain("extra_8");
    expect(message).toContain("; and 1 more unknown fields (");
  });
});
