import { describe, expect, it } from "vitest";
import { BackendCallError } from "../errors/index.ts";
import { llmJudgeScorer, programmaticScorer } from "../scoring/index.ts";
import { solve } from "../solve.ts";
import type { Backend, Prompt } from "../spec/index.ts";
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

  it("with one scored candidate notes no tie: a single score is no verdict that failed to choose", async () => {
    const result = await solve({
      problem,
      strategy: bestOfN({ n: 1, scorer: checker }),
      backend: createScriptedBackend({ responses: ["#### 42"] }),
    });
    expect(result).toMatchObject({ answer: "42", stoppedBy: "complete" });
    expect(result.candidates[0]?.scores).toMatchObject([{ scorer: "checker", value: 1 }]);
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes.filter((note) => note.includes("same score"))).toEqual([]);
    // Two candidates with the same score do get the note.
    const tied = await solve({
      problem,
      strategy: bestOfN({ n: 2, scorer: checker }),
      backend: createScriptedBackend({ responses: ["#### 42", "#### 42"] }),
    });
    const tiedNotes = tied.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(tiedNotes.filter((note) => note.includes("same score"))).toHaveLength(1);
  });

  it("notes a tie of real verdicts as a tie, not as replies without a usable verdict", async () => {
    const judge = llmJudgeScorer({ backend: createScriptedBackend({ responses: ["Right.\nScore: 5/10"] }) });
    const result = await solve({
      problem,
      strategy: bestOfN({ n: 2, scorer: judge }),
      backend: createScriptedBackend({ responses: ["#### 41", "#### 42"] }),
    });
    expect(result.answer).toBe("41");
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes).toContain(
      "bon@2: the scorer gave all 2 scored candidates the same score (0.5); the first was returned, chosen by no verdict",
    );
  });

  it("reports the sampling's stop before the scoring's when both were cut", async () => {
    // 40 tokens let one sample through (24 prompt + 2 completion tokens) but not the rest; no scorer call is allowed.
    const result = await solve({
      problem,
      strategy: bestOfN({ n: 4, scorer: checker }),
      backend: createScriptedBackend({ responses: ["#### 41", "#### 42", "#### 42", "#### 42"] }),
      budget: { maxTotalTokens: 40, maxScoreCalls: 0 },
    });
    expect(result.candidates).toHaveLength(1);
    expect(result.scoreCalls).toBe(0);
    expect(result).toMatchObject({ answer: "41", stoppedBy: "tokens", partial: true });
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

  it("wrapped, notes once over every round that nothing could be scored", async () => {
    const scripted = createScriptedBackend({ responses: ["Score: 9/10"] });
    const refusing: Backend = {
      ...scripted,
      generate: async () => {
        throw new BackendCallError("HTTP 400: the request exceeds the available context size", {
          status: 400,
        });
      },
    };
    const result = await solve({
      problem,
      strategy: "esc(bon@4)w2",
      scorer: llmJudgeScorer({ backend: refusing }),
      backend: createScriptedBackend({ responses: ["#### 41", "#### 42", "#### 43", "#### 42"] }),
    });
    expect(result.candidates).toHaveLength(4);
    expect(result.answer).toBe("42");
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes.filter((note) => note.includes("falling back to a majority vote"))).toEqual([
      "bon@4: no candidate was scored; falling back to a majority vote",
    ]);
  });

  it("keeps its LLM judge within the run's token budget: no judge call asks more than is left", async () => {
    const policy = createScriptedBackend({ responses: ["#### 41", "#### 42", "#### 42", "#### 42"] });
    // A judge that writes at length before its verdict, and counts its prompts as it reports them.
    const scripted = createScriptedBackend({
      respond: () => `${Array.from({ length: 100 }, (_, index) => `w${index}`).join(" ")} Score: 9/10`,
    });
    const words = (prompt: Prompt) =>
      (prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("\n"))
        .split(/\s+/)
        .filter((word) => word !== "").length;
    const judgeBackend: Backend = { ...scripted, countTokens: async (prompt) => words(prompt) };
    const result = await solve({
      problem,
      strategy: bestOfN({ n: 4, scorer: llmJudgeScorer({ backend: judgeBackend }) }),
      backend: policy,
      budget: { maxTotalTokens: 120 },
    });
    const total = (result.usage.promptTokens ?? 0) + (result.usage.completionTokens ?? 0);
    expect(total).toBeLessThanOrEqual(120);
    expect(result).toMatchObject({ stoppedBy: "tokens", partial: true, answer: "42" });
    // The judge asked for what the budget left, never its own 512 tokens.
    expect(scripted.calls.length).toBeGreaterThan(0);
    expect(scripted.calls.every((call) => (call.request.maxTokens ?? 512) < 120)).toBe(true);
    expect(result.candidates.every((candidate) => candidate.scores.length === 0)).toBe(true);
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes.some((note) => /reply was cut at \d+ tokens by the budget's tokens limit/.test(note))).toBe(
      true,
    );
    expect(notes).toContain("bon@4: no candidate was scored; falling back to a majority vote");
  });

  it("falls back to a majority vote when the judge's backend refuses every call, and says why", async () => {
    const policy = createScriptedBackend({ responses: ["#### 41", "#### 42", "#### 42", "#### 42"] });
    const scripted = createScriptedBackend({ responses: ["Score: 9/10"] });
    const refusing: Backend = {
      ...scripted,
      generate: async () => {
        throw new BackendCallError("HTTP 400: the request exceeds the available context size", {
          status: 400,
        });
      },
    };
    const result = await solve({
      problem,
      strategy: bestOfN({ n: 4, scorer: llmJudgeScorer({ backend: refusing }) }),
      backend: policy,
    });
    expect(result).toMatchObject({ answer: "42", stoppedBy: "complete", partial: false, scoreCalls: 4 });
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes).toContain(
      "judge:scripted: the judge's backend refused 4 of 4 judge calls, so those candidates are left unscored: HTTP 400: the request exceeds the available context size",
    );
    expect(notes).toContain("bon@4: no candidate was scored; falling back to a majority vote");
  });
});
