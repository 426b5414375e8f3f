import type { SolveResult } from "../../spec/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import type { Grader } from "../graders/index.ts";
import type { SampleRecord } from "../run-data.ts";

/**
 * Every candidate of a pair's result as a graded sample record, in the order the strategy produced them,
 * with its scores by scorer name: the trace scores `traceScores` noted for its text (`traceScoreRecorder`),
 * then the scores the strategy gave it, which win where both name one scorer.
 *
 * @example
 * const samples = sampleRecords(problem, "sc@8", result, grader);
 */
export function sampleRecords(
  problem: BenchProblem,
  strategy: string,
  result: Pick<SolveResult, "candidates">,
  grader: Grader,
  traceScores: (text: string) => Readonly<Record<string, number>> | undefined = () => undefined,
): SampleRecord[] {
  return result.candidates.map((candidate, sampleIndex): SampleRecord => {
    const scores = {
      ...traceScores(candidate.text),
      ...Object.fromEntries(candidate.scores.map((score) => [score.scorer, score.value])),
    };
    return {
      problemId: problem.id,
      strategy,
      sampleIndex,
      text: candidate.text,
      answer: candidate.answer,
      correct: grader.grade(candidate.answer, problem.gold),
      completionTokens: candidate.completionTokens,
      finishReason: candidate.finishReason,
      ...(candidate.logprob === undefined ? {} : { logprob: candidate.logprob }),
      ...(Object.keys(scores).length === 0 ? {} : { scores }),
    };
  });
}
