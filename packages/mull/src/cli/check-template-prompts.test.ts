import { describe, expect, it } from "vitest";
import { createScriptedBackend } from "../testing/index.ts";
import { checkTemplatePrompts } from "./check-template-prompts.ts";
import { UsageError } from "./usage-error.ts";

const chat = { kind: "chat", messages: [{ role: "user", content: "What is 2+2?" }] } as const;
const text = { kind: "text", text: "Q: 2+2=? A:" } as const;

describe("checkTemplatePrompts", () => {
  it("passes prompts the backend takes", async () => {
    const both = createScriptedBackend({ responses: ["4"] });
    await expect(checkTemplatePrompts(chat, both, "gsm8k")).resolves.toBeUndefined();
    await expect(checkTemplatePrompts(text, both, "lab")).resolves.toBeUndefined();
  });

  it("refuses a chat template for a model with no chat template, naming --prompt-template and the way out", async () => {
    const textOnly = createScriptedBackend({
      responses: ["4"],
      model: "lab-small",
      capabilities: { chat: false },
    });
    const refusal = await checkTemplatePrompts(chat, textOnly, "gsm8k").catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(UsageError);
    expect((refusal as UsageError).field).toBe("--prompt-template");
    expect((refusal as UsageError).message).toBe(
      "--prompt-template gsm8k writes chat prompts, which the scripted backend (model lab-small) cannot take: " +
        "it has no chat template; add --endpoint completions for text prompts, or give a text template such as lab",
    );
  });

  it("refuses a text template for a chat-only backend", async () => {
    const chatOnly = createScriptedBackend({ responses: ["4"], capabilities: { completion: false } });
    await expect(checkTemplatePrompts(text, chatOnly, "lab")).rejects.toThrow(
      "--prompt-template lab writes text prompts, which the scripted backend (model scripted) cannot take",
    );
  });
});
