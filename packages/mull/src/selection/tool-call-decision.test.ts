import { describe, expect, it } from "vitest";
import { autoAnswerFormat } from "../answers/index.ts";
import type { Candidate, ToolCall } from "../spec/index.ts";
import { toolCallAnswer, withToolCallKeys } from "./tool-call-answer.ts";
import { toolCallDecision } from "./tool-call-decision.ts";

const format = withToolCallKeys(autoAnswerFormat);

function call(id: string, city: string): Candidate {
  const calls: ToolCall[] = [{ id, name: "get_weather", arguments: JSON.stringify({ city }) }];
  return {
    id,
    text: "",
    answer: toolCallAnswer(calls),
    finishReason: "stop",
    completionTokens: 5,
    scores: [],
    toolCalls: calls,
  };
}

function text(id: string, answer: string | undefined): Candidate {
  return { id, text: `#### ${answer}`, answer, finishReason: "stop", completionTokens: 5, scores: [] };
}

const paris = 'tool:get_weather({"city":"Paris"})';
const rome = 'tool:get_weather({"city":"Rome"})';

describe("toolCallDecision", () => {
  it("returns the call with the most samples, its first sample answering", () => {
    const decision = toolCallDecision(
      [call("a", "Rome"), call("b", "Paris"), call("c", "Paris")],
      {},
      format,
    );
    expect(decision.kind).toBe("calls");
    if (decision.kind !== "calls") return;
    expect(decision.key).toBe(paris);
    expect(decision.ranked.map((entry) => entry.best.id)).toEqual(["b", "a"]);
  });

  it("breaks a tie between calls by first appearance", () => {
    const decision = toolCallDecision(
      [call("a", "Rome"), call("b", "Paris"), call("c", "Paris"), call("d", "Rome")],
      {},
      format,
    );
    expect(decision.kind === "calls" ? decision.key : undefined).toBe(rome);
  });

  it("follows the strategy's weighted tally over the count", () => {
    const decision = toolCallDecision(
      [call("a", "Rome"), call("b", "Paris"), call("c", "Paris")],
      { [rome]: 1.5, [paris]: 0.4 },
      format,
    );
    expect(decision.kind === "calls" ? decision.key : undefined).toBe(rome);
  });

  it("lets the side with more samples win, text samples without an answer counted, and calls win a tie", () => {
    expect(toolCallDecision([call("a", "Rome"), text("b", "21"), text("c", undefined)], {}, format)).toEqual({
      kind: "text",
    });
    expect(toolCallDecision([call("a", "Rome"), text("b", "21")], {}, format).kind).toBe("calls");
    expect(toolCallDecision([text("a", "21"), text("b", "21")], {}, format).kind).toBe("text");
  });
});
