import { describe, expect, it } from "vitest";
import { solve } from "../solve.ts";
import type { GenerationRequest, Problem } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { critiquePrompt, fusionPrompt } from "./fusion-prompt.ts";

const stop = ["\n\nQuestion:"];
const candidates = [
  { text: "6 × 7 = 42\n#### 42" },
  { text: "6 × 7 = 41\n#### 41", critique: "41 is wrong." },
];

/** The text of a request's prompt: a text prompt's, or every chat message's joined. */
function promptText(request: GenerationRequest): string {
  return request.prompt.kind === "text"
    ? request.prompt.text
    : request.prompt.messages.map((message) => message.content).join("\n");
}

describe("fusionPrompt", () => {
  it("keeps a text prompt's stop strings, the problem's prompt following the candidates", () => {
    const original = { kind: "text", text: "Question: What is 6 × 7?\nAnswer:", stop } as const;
    const fused = fusionPrompt(original, candidates);
    expect(fused.kind).toBe("text");
    expect(fused.stop).toEqual(stop);
    expect(
      fused.kind === "text" && fused.text.endsWith("\n\nProblem:\nQuestion: What is 6 × 7?\nAnswer:"),
    ).toBe(true);
  });

  it("keeps a chat prompt's stop strings, with or without a system message of its own", () => {
    const user = { role: "user", content: "What is 6 × 7?" } as const;
    expect(fusionPrompt({ kind: "chat", messages: [user], stop }, candidates).stop).toEqual(stop);
    const system = { role: "system", content: "Answer briefly." } as const;
    const fused = fusionPrompt({ kind: "chat", messages: [system, user], stop }, candidates);
    expect(fused.stop).toEqual(stop);
    expect(fused.kind === "chat" && fused.messages).toHaveLength(2);
  });

  it("adds no stop field to a prompt without one", () => {
    expect(fusionPrompt({ kind: "text", text: "Q: 6 × 7?\nA:" }, candidates)).not.toHaveProperty("stop");
  });
});

describe("critiquePrompt", () => {
  it("has no stop strings: it asks a question of its own", () => {
    expect(critiquePrompt("What is 6 × 7?", "#### 41")).not.toHaveProperty("stop");
  });
});

describe("an architecture run over a few-shot text prompt", () => {
  it("sends the prompt's stop strings with its samples and fused solutions, and none with its critiques", async () => {
    const problem: Problem = {
      question: "What is 6 × 7?",
      prompt: { kind: "text", text: "Question: What is 6 × 7?\nAnswer:", stop },
    };
    const requests: GenerationRequest[] = [];
    const backend = createScriptedBackend({
      respond: (request) => {
        requests.push(request);
        const text = promptText(request);
        if (text.includes("careful reviewer")) return "The last step is wrong.";
        if (text.includes("candidate solutions")) return "6 × 7 = 42\n#### 42";
        return "6 × 7 = 41\n#### 41";
      },
    });
    const result = await solve({ problem, strategy: "gen@3+critique+fuse@2+vote", backend });
    expect(result.answer).toBe("42");
    const critiques = requests.filter((request) => promptText(request).includes("careful reviewer"));
    const fused = requests.filter((request) => promptText(request).includes("candidate solutions"));
    const samples = requests.filter((request) => !critiques.includes(request) && !fused.includes(request));
    expect([samples.length, critiques.length, fused.length > 0]).toEqual([3, 3, true]);
    for (const request of [...samples, ...fused]) expect(request.prompt.stop).toEqual(stop);
    for (const request of critiques) expect(request.prompt.stop).toBeUndefined();
  });
});
