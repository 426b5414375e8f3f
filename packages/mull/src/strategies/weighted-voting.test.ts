import { describe, expect, it } from "vitest";
import { CapabilityError, ConfigError } from "../errors/index.ts";
import { llmJudgeScorer, programmaticScorer } from "../scoring/index.ts";
import { solve } from "../solve.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { weightedVoting } from "./weighted-voting.ts";

describe("weightedVoting", () => {
  it("by probability prefers the high-probability answer over the more frequent one", async () => {
    const backend = createScriptedBackend({
      responses: [
        { text: "#### 8", logprob: -9 },
        { text: "#### 7", logprob: -0.3 },
        { text: "#### 8", logprob: -8 },
        { text: "#### 8", logprob: -10 },
        { text: "#### 7", logprob: -0.5 },
      ],
    });
    const result = await solve({ problem: "q", strategy: "wv-prob@5", backend });
    expect(backend.calls[0]!.request.logprobs).toBe(true);
    expect(result.answer).toBe("7");
    expect(result.votes!["7"]!).toBeGreaterThan(0.99);
    const majority = await solve({
      problem: "q",
      strategy: "sc@5",
      backend: createScriptedBackend({ responses: ["#### 8", "#### 7", "#### 8", "#### 8", "#### 7"] }),
    });
    expect(majority.answer).toBe("8");
  });

  it("by mean probability does not punish longer solutions", async () => {
    const long = "step ".repeat(40);
    const backend = createScriptedBackend({
      responses: [
        { text: `${long}#### 7`, logprob: -42 * 0.05 },
        { text: "#### 8", logprob: -2 * 0.5 },
      ],
    });
    expect((await solve({ problem: "q", strategy: "wv-mean-prob@2", backend })).answer).toBe("7");
    const again = createScriptedBackend({
      responses: [
        { text: `${long}#### 7`, logprob: -42 * 0.05 },
        { text: "#### 8", logprob: -2 * 0.5 },
      ],
    });
    expect((await solve({ problem: "q", strategy: "wv-prob@2", backend: again })).answer).toBe("8");
  });

  it("refuses a backend without log-probabilities, naming the capability", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"], capabilities: { logprobs: false } });
    const attempt = solve({ problem: "q", strategy: "wv-prob@4", backend });
    await expect(attempt).rejects.toThrow(CapabilityError);
    await expect(attempt).rejects.toMatchObject({ capability: "logprobs", requiredBy: "wv-prob@4" });
    expect(backend.calls).toHaveLength(0);
  });

  it("by score sums the scorer's scores per answer", async () => {
    const backend = createScriptedBackend({ responses: ["#### 3", "#### 4", "#### 4", "#### 3", "#### 3"] });
    // A verifier that trusts 4 much more than 3.
    const scorer = programmaticScorer({
      name: "trust",
      check: (_problem, solution) => (solution.answer === "4" ? 0.9 : 0.2),
    });
    const result = await solve({
      problem: "q",
      strategy: weightedVoting({ n: 5, weight: "score", scorer }),
      backend,
    });
    expect(result.answer).toBe("4");
    expect(result.votes!["4"]).toBeCloseTo(1.8, 12);
    expect(result.votes!["3"]).toBeCloseTo(0.6, 12);
    expect(result.candidates.every((candidate) => candidate.scores.length === 1)).toBe(true);
    expect(result.trace.filter((event) => event.type === "score")).toHaveLength(5);
  });

  it("by score keeps its own vote, with no fallback note, when no sample has an answer", async () => {
    const checker = programmaticScorer({
      name: "checker",
      check: (problem, solution) => solution.answer === problem.gold,
    });
    const result = await solve({
      problem: { question: "q", gold: "7" },
      strategy: weightedVoting({ n: 4, weight: "score", scorer: checker }),
      backend: createScriptedBackend({ responses: ["no idea"] }),
    });
    expect(result.candidates).toHaveLength(4);
    expect(result.candidates.every((candidate) => candidate.answer === undefined)).toBe(true);
    expect(result.answer).toBeUndefined();
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes.filter((note) => note.includes("falling back to a majority vote"))).toEqual([]);
    const votes = result.trace.flatMap((event) => (event.type === "vote" ? [event.method] : []));
    expect(votes).toEqual(["weighted:score:checker"]);
  });

  it("by score falls back to a majority vote, and notes it, when the judge gave no verdict", async () => {
    // A judge whose replies hold no score: each candidate weighs 0, which decides nothing.
    const judge = llmJudgeScorer({ backend: createScriptedBackend({ responses: ["Hard to say."] }) });
    const result = await solve({
      problem: "q",
      strategy: weightedVoting({ n: 4, weight: "score", scorer: judge }),
      backend: createScriptedBackend({ responses: ["#### 2", "#### 1", "#### 1", "#### 1"] }),
    });
    expect(result.candidates.map((candidate) => candidate.scores[0]?.value)).toEqual([0, 0, 0, 0]);
    expect(result.answer).toBe("1");
    expect(result.votes).toEqual({ "2": 1, "1": 3 });
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes).toEqual([
      "wv@4: all 4 weighed candidates weigh 0, so the weights cannot choose; 4 of 4 replies held no usable verdict; falling back to a majority vote",
    ]);
    const votes = result.trace.flatMap((event) => (event.type === "vote" ? [event.method] : []));
    expect(votes).toEqual(["majority"]);
  });

  it("by score falls back to a majority vote when every verdict weighs 0, and keeps a single real weight", async () => {
    const rejecting = programmaticScorer({ name: "strict", check: () => 0 });
    const zero = await solve({
      problem: "q",
      strategy: weightedVoting({ n: 4, weight: "score", scorer: rejecting }),
      backend: createScriptedBackend({ responses: ["#### 2", "#### 1", "#### 1", "#### 1"] }),
    });
    expect(zero.answer).toBe("1");
    const notes = zero.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes).toEqual([
      "wv@4: all 4 weighed candidates weigh 0, so the weights cannot choose; falling back to a majority vote",
    ]);
    // One candidate the scorer weighs above 0 decides, though its answer is the minority's.
    const one = programmaticScorer({
      name: "one",
      check: (_problem, solution) => (solution.answer === "2" ? 0.1 : 0),
    });
    const weighed = await solve({
      problem: "q",
      strategy: weightedVoting({ n: 4, weight: "score", scorer: one }),
      backend: createScriptedBackend({ responses: ["#### 2", "#### 1", "#### 1", "#### 1"] }),
    });
    expect(weighed.answer).toBe("2");
    expect(weighed.trace.some((event) => event.type === "note")).toBe(false);
  });

  it("by score notes the fallback when no candidate could be weighed", async () => {
    const checker = programmaticScorer({ name: "checker", check: () => 1 });
    const result = await solve({
      problem: "q",
      strategy: weightedVoting({ n: 3, weight: "score", scorer: checker }),
      backend: createScriptedBackend({ responses: ["#### 2", "#### 1", "#### 1"] }),
      budget: { maxScoreCalls: 0 },
    });
    expect(result).toMatchObject({ answer: "1", stoppedBy: "score-calls", partial: true });
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes).toEqual(["wv@3: no candidate could be weighed; falling back to a majority vote"]);
  });

  it("names its scorer among its parameters only when it weighs by score", () => {
    const scorer = programmaticScorer({ name: "checker", check: () => true });
    expect(weightedVoting({ n: 2, weight: "probability", scorer }).parameters).toEqual({
      n: 2,
      weight: "probability",
    });
    expect(weightedVoting({ n: 2, weight: "score", scorer }).parameters).toEqual({
      n: 2,
      weight: "score",
      scorer: "checker",
    });
  });

  it("needs a scorer to weigh by score", () => {
    expect(() => weightedVoting({ n: 4, weight: "score" })).toThrow(ConfigError);
  });
});
