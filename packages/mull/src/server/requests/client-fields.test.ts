import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { inClientFields } from "./client-fields.ts";

const fields = { user: "metadata.user_id", tools: "functions" };

describe("inClientFields", () => {
  it("names the field the client sent, in the param and where the message began with the mapped one", () => {
    const error = inClientFields(
      new ApiError(400, "user is passed to OpenAI-compatible upstreams only", {
        param: "user",
        code: "unsupported_parameter",
      }),
      fields,
    );
    expect(error.param).toBe("metadata.user_id");
    expect(error.message).toBe("metadata.user_id is passed to OpenAI-compatible upstreams only");
    expect(error.code).toBe("unsupported_parameter");
    expect(error.status).toBe(400);
  });

  it("maps a path under a mapped field, and says so where the message names the field elsewhere", () => {
    const nested = inClientFields(
      new ApiError(400, "tools[2] must name a function", { param: "tools[2]" }),
      fields,
    );
    expect(nested.param).toBe("functions[2]");
    expect(nested.message).toBe("functions[2] must name a function");
    const elsewhere = inClientFields(
      new ApiError(400, "strategy pf@4 cannot vote over tool calls", { param: "tools" }),
      fields,
    );
    expect(elsewhere.param).toBe("functions");
    expect(elsewhere.message).toBe(
      "strategy pf@4 cannot vote over tool calls (this applies to functions, which the server reads as tools)",
    );
  });

  it("leaves other errors as they are, a field that only begins like a mapped one included", () => {
    const other = new ApiError(400, "username is odd", { param: "username" });
    expect(inClientFields(other, fields)).toBe(other);
    const unmapped = new ApiError(400, "n must be at most 8", { param: "n" });
    expect(inClientFields(unmapped, fields)).toBe(unmapped);
    expect(inClientFields(unmapped, undefined)).toBe(unmapped);
  });

  it("does not rename a message that only begins with the mapped field's name inside a longer word", () => {
    const error = inClientFields(new ApiError(400, "n_samples is too large", { param: "n" }), { n: "count" });
    expect(error.param).toBe("count");
    expect(error.message).toBe("n_samples is too large (this applies to count, which the server reads as n)");
  });
});
