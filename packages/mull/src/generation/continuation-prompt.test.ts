import { describe, expect, it } from "vitest";
import { continuationCapabilities, continuationPrompt } from "./continuation-prompt.ts";

describe("continuationPrompt", () => {
  it("appends the partial solution to a text prompt where it stops", () => {
    expect(continuationPrompt({ kind: "text", text: "Q: 1+2=? A:" }, "\n1+")).toEqual({
      kind: "text",
      text: "Q: 1+2=? A:\n1+",
    });
  });

  it("leaves the prompt as it is when nothing is written", () => {
    const prompt = { kind: "chat", messages: [{ role: "user", content: "1+2?" }] } as const;
    expect(continuationPrompt(prompt, "")).toBe(prompt);
  });

  it("continues a chat prompt's final assistant message, or adds one", () => {
    const user = { role: "user", content: "1+2?" } as const;
    expect(continuationPrompt({ kind: "chat", messages: [user] }, "First, 1")).toEqual({
      kind: "chat",
      messages: [user, { role: "assistant", content: "First, 1" }],
      continueFinalMessage: true,
    });
    expect(
      continuationPrompt({ kind: "chat", messages: [user, { role: "assistant", content: "So " }] }, "3"),
    ).toEqual({
      kind: "chat",
      messages: [user, { role: "assistant", content: "So 3" }],
      continueFinalMessage: true,
    });
  });

  it("keeps the prompt's stop strings, so that a few-shot continuation still stops at the next question", () => {
    const stop = ["\n\nQuestion:"];
    expect(continuationPrompt({ kind: "text", text: "Question: 1+2?\nAnswer:", stop }, " 1+")).toEqual({
      kind: "text",
      text: "Question: 1+2?\nAnswer: 1+",
      stop,
    });
    const user = { role: "user", content: "1+2?" } as const;
    expect(continuationPrompt({ kind: "chat", messages: [user], stop }, "First").stop).toEqual(stop);
    expect(
      continuationPrompt({ kind: "chat", messages: [user, { role: "assistant", content: "So " }], stop }, "3")
        .stop,
    ).toEqual(stop);
  });

  it("asks completion of text prompts and continuePrefix of chat prompts", () => {
    expect(continuationCapabilities({ kind: "text", text: "Q:" }, "probe@4k8").capabilities).toEqual([
      "completion",
    ]);
    const chat = continuationCapabilities({ kind: "chat", messages: [] }, "force@8");
    expect(chat.capabilities).toEqual(["chat", "continuePrefix"]);
    expect(chat.requiredBy).toMatch(/^force@8/);
  });
});
