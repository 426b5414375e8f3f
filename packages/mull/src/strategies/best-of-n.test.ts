import { describe, expect, it } from "vitest";
import { llmJudgeScorer, programmaticScorer } from "../scoring/index.ts";
import { solve } from "../solve.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { bestOfN } from "./best-of-n.ts";

const checker = programmaticScorer({
  name: "checker",
  check: (problem, solution) => solution.answer === problem.gold,
});
const problem = { question: "What is 6 × 7?", gold: "42" };
// The correct answer is the least likely one: a vote would usually miss it.
const distribution = { "41": 0.5, "43": 0.35, "42": 0.15 };

describe("bestOfN", () => {
  it("with a programmatic checker picks a correct candidate whenever one was sampled", async () => {
    let sampledCorrect = 0;
    for (let seed = 0; seed < 40; seed += 1) {
      const result = await solve({
        problem,
        strategy: bestOfN({ n: 6, scorer: checker }),
        backend: createScriptedBackend({ answers: { distribution } }),
        seed,
      });
      const hasCorrect = result.candidates.some((candidate) => candidate.answer === "42");
      if (hasCorrect) sampledCorrect += 1;
      expect(result.answer === "42").toBe(hasCorrect);
      // One invocation of the checker scores all six: one scorer call, though no model was asked.
      expect(result.scoreCalls).toBe(1);
      expect(result.candidates.every((candidate) => candidate.scores.length === 1)).toBe(true);
    }
    // The check above was exercised both ways.
    expect(sampledCorrect).toBeGreaterThan(0);
    expect(sampledCorrect).toBeLessThan(40);
  });

  it("is deterministic under a seed", async () => {
    const run = (seed: number) =>
      solve({
        problem,
        strategy: "bon@5",
        scorer: checker,
        backend: createScriptedBackend({ answers: { distribution } }),
        seed,
      });
    const [first, second] = [await run(3), await run(3)];
    expect(second.candidates.map((c) => c.text)).toEqual(first.candidates.map((c) => c.text));
    expect(second.answer).toBe(first.answer);
  });

  it("when the scorer-call budget runs out, only scored candidates compete and the result is partial", async () => {
    const policy = createScriptedBackend({ responses: ["#### 41", "#### 42", "#### 42", "#### 42"] });
    const judgeBackend = createScriptedBackend({
      respond: (request) => {
        const text = request.prompt.kind === "chat" ? request.prompt.messages.at(-1)!.content : "";
        return text.includes("#### 42") ? "Score: 9/10" : "Score: 2/10";
      },
    });
    const judge = llmJudgeScorer({ backend: judgeBackend, concurrency: 1 });
    const cut = await solve({
      problem,
      strategy: bestOfN({ n: 4, scorer: judge }),
      backend: policy,
      budget: { maxScoreCalls: 1 },
    });
    expect(judgeBackend.calls).toHaveLength(1);
    expect(cut).toMatchObject({ answer: "41", stoppedBy: "score-calls", partial: true, scoreCalls: 1 });
    const full = await solve({
      problem,
      strategy: bestOfN({ n: 4, scorer: judge }),
      backend: createScriptedBackend({ responses: ["#### 41", "#### 42", "#### 42", "#### 42"] }),
    });
    expect(full).toMatchObject({ answer: "42", stoppedBy: "complete", partial: false, scoreCalls: 4 });
    expect(full.best?.scores[0]).toMatchObject({ scorer: "judge:scripted", value: 0.9 });
  });

  it("falls back to a majority vote, and notes it, when nothing could be scored", async () => {
    const policy = createScriptedBackend({ responses: ["#### 41", "#### 42", "#### 42"] });
    const result = await solve({
      problem,
      strategy: "bon@3",
      scorer: checker,
      backend: policy,
      budget: { maxScoreCalls: 0 },
    });
    expect(result).toMatchObject({ answer: "42", stoppedBy: "score-calls", partial: true });
    expect(
      result.trace.some(
        (event) => event.type === "note" && /falling back to a majority vote/.test(event.message),
      ),
    ).toBe(true);
  });
});
