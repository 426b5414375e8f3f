import { describe, expect, it } from "vitest";
import { consensusReached } from "../budget/index.ts";
import { BudgetExhaustedError } from "../errors/index.ts";
import { manualClock } from "../runtime/index.ts";
import { solve } from "../solve.ts";
import type { AnswerFormat } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { selfConsistency } from "./self-consistency.ts";
import { withEarlyStop } from "./with-early-stop.ts";

const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /####\s*(.+?)\s*$/.exec(text)?.[1],
  key: (answer) => answer,
  equivalent: (a, b) => a === b,
};

const distribution = { A: 0.4, B: 0.3, C: 0.3 };

/**
 * P(A wins a majority vote of n i.i.d. draws) under the documented tie rule (among tied answers, the one
 * that appeared first wins), by enumerating every sequence of n answers.
 */
function exactWinProbability(probabilities: Record<string, number>, n: number, target: string): number {
  const answers = Object.keys(probabilities);
  let total = 0;
  const walk = (sequence: string[], probability: number): void => {
    if (sequence.length === n) {
      const counts = new Map<string, number>();
      for (const answer of sequence) counts.set(answer, (counts.get(answer) ?? 0) + 1);
      const top = Math.max(...counts.values());
      const winner = sequence.find((answer) => counts.get(answer) === top);
      if (winner === target) total += probability;
      return;
    }
    for (const answer of answers) walk([...sequence, answer], probability * probabilities[answer]!);
  };
  walk([], 1);
  return total;
}

describe("selfConsistency", () => {
  it("samples n paths in one call and returns the majority answer with its tally", async () => {
    const backend = createScriptedBackend({ answers: { distribution } });
    const result = await solve({
      problem: "q",
      strategy: selfConsistency({ n: 9 }),
      backend,
      seed: 4,
      answerFormat: hashFormat,
    });
    expect(result.strategy).toBe("sc@9");
    expect(result.candidates).toHaveLength(9);
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.request.temperature).toBe(0.7);
    const counts: Record<string, number> = {};
    for (const candidate of result.candidates)
      counts[candidate.answer!] = (counts[candidate.answer!] ?? 0) + 1;
    expect(result.votes).toEqual(counts);
    const top = Math.max(...Object.values(counts));
    expect(counts[result.answer!]).toBe(top);
    expect(result).toMatchObject({ stoppedBy: "complete", partial: false, scoreCalls: 0 });
  });

  it("is deterministic under a seed, and different seeds can give different runs", async () => {
    const run = async (seed: number) => {
      const result = await solve({
        problem: "q",
        strategy: "sc@8",
        backend: createScriptedBackend({ answers: { distribution } }),
        seed,
        answerFormat: hashFormat,
      });
      return { answer: result.answer, answers: result.candidates.map((candidate) => candidate.answer) };
    };
    expect(await run(11)).toEqual(await run(11));
    const runs = await Promise.all([1, 2, 3, 4, 5].map(run));
    expect(new Set(runs.map((entry) => entry.answers.join())).size).toBeGreaterThan(1);
  });

  it("matches the closed-form probability that the most likely answer wins (n = 5, 1,000 seeded runs)", async () => {
    const n = 5;
    const expected = exactWinProbability(distribution, n, "A");
    const trials = 1000;
    let wins = 0;
    for (let seed = 0; seed < trials; seed += 1) {
      const result = await solve({
        problem: "q",
        strategy: selfConsistency({ n }),
        backend: createScriptedBackend({ answers: { distribution } }),
        seed,
        answerFormat: hashFormat,
      });
      if (result.answer === "A") wins += 1;
    }
    const standardError = Math.sqrt((expected * (1 - expected)) / trials);
    expect(Math.abs(wins / trials - expected)).toBeLessThan(3 * standardError);
    // Voting helps: five votes beat one sample's 0.4.
    expect(expected).toBeGreaterThan(0.4);
  });

  it("returns its best so far when the call budget runs out, and says so", async () => {
    const backend = createScriptedBackend({
      responses: ["#### 7", "#### 8", "#### 7"],
      capabilities: { n: false },
    });
    const result = await solve({
      problem: "q",
      strategy: "sc@10",
      backend,
      budget: { maxCalls: 3 },
      answerFormat: hashFormat,
    });
    expect(result).toMatchObject({
      answer: "7",
      stoppedBy: "calls",
      partial: true,
      votes: { "7": 2, "8": 1 },
    });
    expect(result.candidates).toHaveLength(3);
    expect(result.trace.at(-1)).toMatchObject({ type: "run-end", stoppedBy: "calls", answer: "7" });
  });

  it("returns its best so far when the deadline passes between batches", async () => {
    const clock = manualClock();
    const backend = createScriptedBackend({
      responses: ["#### 1", "#### 2", "#### 2"],
      onCall: () => clock.advance(400),
    });
    const result = await solve({
      problem: "q",
      strategy: withEarlyStop(selfConsistency({ n: 8 }), { rounds: 8 }),
      backend,
      clock,
      budget: { maxMilliseconds: 1000 },
      answerFormat: hashFormat,
    });
    // Calls start at 0, 400 and 800 ms; at 1,200 ms the deadline has passed.
    expect(backend.calls).toHaveLength(3);
    expect(result).toMatchObject({ answer: "2", stoppedBy: "time", partial: true });
  });

  it("stops when the caller aborts, keeping what it has", async () => {
    const controller = new AbortController();
    const backend = createScriptedBackend({
      responses: ["#### 5"],
      onCall: (_request, callIndex) => {
        if (callIndex === 2) controller.abort();
      },
    });
    const result = await solve({
      problem: "q",
      strategy: withEarlyStop(selfConsistency({ n: 8 }), { rounds: 4 }),
      backend,
      signal: controller.signal,
      answerFormat: hashFormat,
    });
    expect(backend.calls).toHaveLength(3);
    expect(result.candidates).toHaveLength(4);
    expect(result).toMatchObject({ answer: "5", stoppedBy: "abort", partial: true });
  });

  it("stops early on consensus, which is a planned stop and not a partial result", async () => {
    const backend = createScriptedBackend({ responses: ["#### 3"] });
    const result = await solve({
      problem: "q",
      strategy: withEarlyStop(selfConsistency({ n: 40 }), {
        rounds: 10,
        stopWhen: [consensusReached(0.9, 8)],
      }),
      backend,
      answerFormat: hashFormat,
    });
    expect(result.candidates).toHaveLength(8);
    expect(result).toMatchObject({ answer: "3", stoppedBy: "condition:consensus", partial: false });
  });

  it("throws BudgetExhaustedError when the budget allows nothing at all", async () => {
    const backend = createScriptedBackend({ responses: ["#### 3"] });
    const attempt = solve({ problem: "q", strategy: "sc@4", backend, budget: { maxCalls: 0 } });
    await expect(attempt).rejects.toThrow(BudgetExhaustedError);
    await expect(attempt).rejects.toMatchObject({ reason: "calls" });
  });
});
