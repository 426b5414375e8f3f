import { describe, expect, it } from "vitest";
import { autoAnswerFormat } from "../answers/index.ts";
import {
  canonicalArguments,
  isToolCallAnswer,
  toolCallAnswer,
  withToolCallKeys,
} from "./tool-call-answer.ts";

describe("toolCallAnswer", () => {
  it("ignores key order and whitespace in the arguments, at every depth", () => {
    expect(canonicalArguments(' { "b": {"y": 1, "x": [2, {"d":1,"c":0}]}, "a": "v w" } ')).toBe(
      '{"a":"v w","b":{"x":[2,{"c":0,"d":1}],"y":1}}',
    );
    expect(toolCallAnswer([{ id: "a", name: "f", arguments: '{"x":1,"y":2}' }])).toBe(
      toolCallAnswer([{ id: "b", name: "f", arguments: '{ "y": 2, "x": 1 }' }]),
    );
  });

  it("keeps different names and values apart, and non-JSON arguments as trimmed text", () => {
    expect(toolCallAnswer([{ id: "a", name: "f", arguments: '{"x":1}' }])).not.toBe(
      toolCallAnswer([{ id: "a", name: "g", arguments: '{"x":1}' }]),
    );
    expect(canonicalArguments("  not json ")).toBe("not json");
    expect(canonicalArguments("")).toBe("{}");
  });

  it("reads parallel calls in any order as one answer", () => {
    const first = { id: "1", name: "a", arguments: '{"k":1}' };
    const second = { id: "2", name: "b", arguments: "{}" };
    expect(toolCallAnswer([first, second])).toBe('tool:a({"k":1}); b({})');
    expect(toolCallAnswer([second, first])).toBe('tool:a({"k":1}); b({})');
  });

  it("is keyed as it is by withToolCallKeys, other answers by the format", () => {
    const format = withToolCallKeys(autoAnswerFormat);
    const call = 'tool:add({"a":1,"b":2})';
    expect(isToolCallAnswer(call)).toBe(true);
    expect(format.key(call)).toBe(call);
    expect(format.key("1,000")).toBe(autoAnswerFormat.key("1,000"));
    expect(format.equivalent(call, 'tool:add({"a":1,"b":3})')).toBe(false);
    expect(format.equivalent("1,000", "1000")).toBe(true);
  });
});
