import { describe, expect, it } from "vitest";
import { CapabilityError, ConfigError } from "../errors/index.ts";
import { programmaticScorer } from "../scoring/index.ts";
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

  it("needs a scorer to weigh by score", () => {
    expect(() => weightedVoting({ n: 4, weight: "score" })).toThrow(ConfigError);
  });
});
