import { describe, expect, it } from "vitest";
import { liveTailChunks, liveTextChunks } from "./live-chunks.ts";
import { createLiveText } from "./live-text.ts";
import type { RequestOutcome } from "./request-outcome.ts";
import type { RequestPlan } from "./request-plan.ts";

// A relayed stream of several choices ends each choice in its own chunks, under its index: what its pieces
// missed, then its finish reason; the usage comes once, after every choice.

const identity = { id: "chatcmpl-1", created: 1 };
const planOf = (endpoint: "chat" | "completions") =>
  ({ endpoint, includeUsage: true, requestedModel: "m" }) as unknown as RequestPlan;
const outcome: RequestOutcome = {
  choices: [
    { text: "Hello world", finishReason: "stop" },
    { text: "Hi", finishReason: "length" },
  ],
  usage: { promptTokens: 4, completionTokens: 5, calls: 1 },
  report: undefined,
};

/** Each chunk's choice as `[index, what it carries]`, and `usage` for the usage chunk. */
function summary(chunks: readonly Record<string, unknown>[]): unknown[] {
  return chunks.map((chunk) => {
    const [choice] = chunk.choices as Record<string, unknown>[];
    if (choice === undefined) return ["usage", chunk.usage];
    return [choice.index, choice.finish_reason ?? choice.delta ?? choice.text];
  });
}

describe("liveTextChunks", () => {
  it("relays a piece under its choice's index, after the choice's role chunk on its first piece", () => {
    expect(summary(liveTextChunks(planOf("chat"), identity, "Hi", true, "text", 2))).toEqual([
      [2, { role: "assistant", content: "" }],
      [2, { content: "Hi" }],
    ]);
    expect(summary(liveTextChunks(planOf("completions"), identity, "Hi", true, "text", 1))).toEqual([
      [1, "Hi"],
    ]);
  });
});

describe("liveTailChunks", () => {
  it("ends each chat choice under its index, opening one none of whose pieces went out", () => {
    const live = createLiveText();
    live.push("Hello wor", 0);
    expect(summary(liveTailChunks(planOf("chat"), outcome, identity, live))).toEqual([
      [0, { content: "ld" }],
      [0, "stop"],
      [1, { role: "assistant", content: "" }],
      [1, { content: "Hi" }],
      [1, "length"],
      ["usage", { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 }],
    ]);
  });

  it("sends nothing more of a completions choice whose pieces went out whole", () => {
    const live = createLiveText();
    live.push("Hello world", 0);
    live.push("H", 1);
    expect(summary(liveTailChunks(planOf("completions"), outcome, identity, live))).toEqual([
      [0, "stop"],
      [1, "i"],
      [1, "length"],
      ["usage", { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 }],
    ]);
  });
});
