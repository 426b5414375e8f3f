import { expect } from "vitest";
import { addUsage } from "../budget/index.ts";
import { seededRng } from "../runtime/index.ts";
import { programmaticScorer } from "../scoring/index.ts";
import { solve } from "../solve.ts";
import type { GenerationEvent, SamplingStrategy, SolveResult, Strategy, Usage } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { bestOfN } from "./best-of-n.ts";
import { selfConsistency } from "./self-consistency.ts";
import { weightedVoting } from "./weighted-voting.ts";

/** A solution that answers `answer`, or one without an answer for `undefined`. */
export function solution(answer: string | undefined): string {
  return answer === undefined ? "I am not sure." : `The answer is ${answer}.\n#### ${answer}`;
}

/**
 * Lists of answers (`undefined` for a solution without one) drawn with a seeded generator, so the
 * responses of a scripted backend are a fixed list that no run's seed changes.
 */
export function answerLists(count: number, length: (rng: () => number) => number): (string | undefined)[][] {
  const rng = seededRng(7);
  const draw = () => rng.next();
  return Array.from({ length: count }, () =>
    Array.from({ length: length(draw) }, () => {
      const pick = Math.floor(draw() * 7);
      return pick === 6 ? undefined : String(pick % 3);
    }),
  );
}

const favourite = programmaticScorer({
  name: "favourite",
  check: (_task, candidate) => (candidate.answer === "2" ? 0.9 : candidate.answer === "1" ? 0.4 : 0.1),
});

/** The sampling strategies a wrapper must compose with: a majority vote, best-of-N and a weighted vote. */
export function innerStrategies(n: number): SamplingStrategy[] {
  return [
    selfConsistency({ n }),
    bestOfN({ n, scorer: favourite }),
    weightedVoting({ n, weight: "score", scorer: favourite }),
  ];
}

/** A run of `strategy` on a scripted backend that answers `answers` in turn. */
export function solveFixed(strategy: Strategy | string, answers: readonly (string | undefined)[]) {
  return solve({
    problem: "q",
    strategy,
    backend: createScriptedBackend({ responses: answers.map(solution) }),
  });
}

/** What a run chose and from what: its answer, its candidates' answers and scores, its tally. */
export function outcome(result: SolveResult) {
  return {
    answer: result.answer,
    candidates: result.candidates.map((candidate) => ({
      answer: candidate.answer,
      scores: candidate.scores.map((score) => score.value),
    })),
    votes: result.votes,
  };
}

/** The usage recorded on a run's generation events: what the backend charged for the samples it drew. */
export function generationUsage(result: SolveResult): Usage {
  return addUsage(
    ...result.trace
      .filter((event): event is GenerationEvent => event.type === "generation")
      .flatMap((event) => (event.usage === undefined ? [] : [event.usage])),
  );
}

/**
 * Runs `spec` and the fixed-N `fixedSpec` on seeds 0 to 5 over answers drawn from `distribution`, and
 * checks that `spec` is charged exactly what its generation events record, less generated tokens than
 * the fixed run whenever it stops early, and that it does stop early at least once. Returns its runs.
 */
export async function expectExactCharges(
  spec: string,
  fixedSpec: string,
  distribution: Readonly<Record<string, number>>,
): Promise<SolveResult[]> {
  const runs: SolveResult[] = [];
  for (let seed = 0; seed < 6; seed += 1) {
    const run = (strategy: string) =>
      solve({ problem: "q", strategy, backend: createScriptedBackend({ answers: { distribution } }), seed });
    const fixed = await run(fixedSpec);
    const adaptive = await run(spec);
    expect(adaptive.usage).toEqual(generationUsage(adaptive));
    if (adaptive.candidates.length < fixed.candidates.length) {
      expect(adaptive.usage.completionTokens!).toBeLessThan(fixed.usage.completionTokens!);
    }
    runs.push(adaptive);
  }
  expect(runs.some((adaptive) => adaptive.stoppedBy !== "complete")).toBe(true);
  return runs;
}
