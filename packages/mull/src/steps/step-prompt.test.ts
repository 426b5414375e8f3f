import { describe, expect, it } from "vitest";
import { stepFormat } from "./step-format.ts";
import { stepPrompt } from "./step-prompt.ts";

const stop = ["\n\nQuestion:"];

describe("stepPrompt stop strings", () => {
  it("keeps a text prompt's stop strings, before the first step and after later ones", () => {
    const text = { kind: "text", text: "Question: 30+444+273?\nAnswer:", stop } as const;
    expect(stepPrompt(text, [])).toEqual({ kind: "text", text: "Question: 30+444+273?\nAnswer:\n", stop });
    expect(stepPrompt(text, ["30+444=474"])).toEqual({
      kind: "text",
      text: "Question: 30+444+273?\nAnswer:\n30+444=474\n",
      stop,
    });
  });

  it("keeps a chat prompt's stop strings, whether it opens an assistant message or extends one", () => {
    const user = { role: "user", content: "2+2?" } as const;
    expect(stepPrompt({ kind: "chat", messages: [user], stop }, ["2+2=4"])).toEqual({
      kind: "chat",
      messages: [user, { role: "assistant", content: "2+2=4\n" }],
      continueFinalMessage: true,
      stop,
    });
    const prefilled = {
      kind: "chat",
      messages: [user, { role: "assistant", content: "Let me see.\n" }],
      stop,
    } as const;
    expect(stepPrompt(prefilled, ["2+2=4"]).stop).toEqual(stop);
  });

  it("drops the step delimiter from the stop strings, so that a rollout can write past a step", () => {
    const text = { kind: "text", text: "Q: 2+2=? A:", stop: ["\n", "\n\nQ:"] } as const;
    expect(stepPrompt(text, ["2+2=4"]).stop).toEqual(["\n\nQ:"]);
    const paragraphs = stepFormat({ delimiter: "\n\n" });
    const chat = {
      kind: "chat",
      messages: [{ role: "user", content: "2+2?" }],
      stop: ["\n\n", "\n"],
    } as const;
    expect(stepPrompt(chat, ["2+2=4"], paragraphs).stop).toEqual(["\n"]);
  });

  it("adds no stop field where the prompt has none, or only the delimiter", () => {
    expect(stepPrompt({ kind: "text", text: "Q: 2+2=? A:" }, ["2+2=4"])).not.toHaveProperty("stop");
    expect(stepPrompt({ kind: "text", text: "Q: 2+2=? A:", stop: ["\n"] }, [])).not.toHaveProperty("stop");
    expect(
      stepPrompt({ kind: "chat", messages: [{ role: "user", content: "2+2?" }], stop: [] }, []),
    ).not.toHaveProperty("stop");
  });
});
