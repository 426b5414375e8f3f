import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { legacyFunctions } from "./legacy-functions.ts";

const messages = [{ role: "user", content: "Weather in Paris?" }];
const tools = [{ type: "function", function: { name: "get_weather" } }];

describe("legacyFunctions: null reads as absent", () => {
  it("takes functions: null and function_call: null as no legacy request", () => {
    const read = legacyFunctions({ model: "m", messages, functions: null, function_call: null });
    expect(read.legacy).toBe(false);
    expect(read.clientFields ?? {}).toEqual({});
  });

  it("maps functions beside a null tools, and function_call beside a null tool_choice", () => {
    const read = legacyFunctions({
      model: "m",
      messages,
      tools: null,
      tool_choice: null,
      functions: [{ name: "get_weather" }],
      function_call: "auto",
    });
    expect(read.legacy).toBe(true);
    expect(read.body).toMatchObject({ tools, tool_choice: "auto" });
  });

  it("maps an assistant function_call whose tool_calls is null", () => {
    const read = legacyFunctions({
      model: "m",
      messages: [
        ...messages,
        {
          role: "assistant",
          content: null,
          tool_calls: null,
          function_call: { name: "get_weather", arguments: "{}" },
        },
      ],
    });
    const [, assistant] = (read.body as { messages: { tool_calls?: unknown }[] }).messages;
    expect(assistant?.tool_calls).toEqual([
      { id: "call_function_1", type: "function", function: { name: "get_weather", arguments: "{}" } },
    ]);
  });

  it("still refuses functions beside tools", () => {
    expect(() => legacyFunctions({ model: "m", messages, tools, functions: [{ name: "f" }] })).toThrow(
      "functions cannot be given with tools",
    );
  });

  it("words a bad function by its whole path", () => {
    try {
      legacyFunctions({ model: "m", messages, functions: [{ name: "" }] });
      throw new Error("expected a 400");
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      expect(error.param).toBe("functions[0].name");
      expect(error.message).toBe('functions[0].name must be a function name of 1 to 64 characters, got ""');
    }
  });
});
