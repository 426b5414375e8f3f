import { describe, expect, it } from "vitest";
import type { Problem } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { llmJudgeScorer } from "./llm-judge-scorer.ts";

describe("llmJudgeScorer's default prompt", () => {
  it("takes no stop strings from a few-shot problem prompt, which would cut its explanation short", async () => {
    const problem: Problem = {
      question: "What is 6 × 7?",
      prompt: { kind: "text", text: "Question: What is 6 × 7?\nAnswer:", stop: ["\n\nQuestion:"] },
    };
    const backend = createScriptedBackend({ responses: ["6 × 7 is 42.\nScore: 9/10"] });
    const batch = await llmJudgeScorer({ backend, concurrency: 1 }).score(problem, [
      { text: "6 × 7 = 42\n#### 42", answer: "42" },
    ]);
    expect(batch.scores.map((score) => score.value)).toEqual([0.9]);
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]?.request.prompt.kind).toBe("chat");
    expect(backend.calls[0]?.request.prompt.stop).toBeUndefined();
  });
});
