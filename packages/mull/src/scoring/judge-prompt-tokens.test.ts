import { describe, expect, it } from "vitest";
import { judgePromptTokens } from "./judge-prompt-tokens.ts";

describe("judgePromptTokens", () => {
  it("counts a text prompt's characters at the given characters per token, rounded up", () => {
    expect(judgePromptTokens({ kind: "text", text: "x".repeat(40) }, 4)).toBe(10);
    expect(judgePromptTokens({ kind: "text", text: "x".repeat(41) }, 4)).toBe(11);
  });

  it("adds 8 tokens for each chat message, and counts function calls' names and arguments", () => {
    const chat = {
      kind: "chat" as const,
      messages: [
        { role: "system" as const, content: "x".repeat(20) },
        {
          role: "assistant" as const,
          content: "",
          toolCalls: [{ id: "call_1", name: "calc", arguments: '{"a":1234}' }],
        },
      ],
    };
    // 20 + 4 + 10 characters are 9 tokens at 4 a token (a call's id is not counted).
    expect(judgePromptTokens(chat, 4)).toBe(9 + 2 * 8);
  });
});
