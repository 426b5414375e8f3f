import { describe, expect, it } from "vitest";
import { exactAnswerFormat } from "../../answers/index.ts";
import { ConfigError } from "../../errors/index.ts";
import { completionOrderStop } from "./completion-order-stop.ts";
import { evaluateReplay } from "./evaluate-replay.ts";
import { type GradedProblem, gradeReplay } from "./grade-replay.ts";
import { parseReplayStrategies, parseReplayStrategy } from "./replay-strategy.ts";

/** One problem of traces given as [answer, tokens], in draw order. */
function problemOf(
  traces: readonly (readonly [string | null, number | undefined])[],
  gold = "7",
): GradedProblem {
  const samples = traces.map(([answer, tokens]) => ({ answer, completionTokens: tokens }));
  return gradeReplay([{ id: "p", gold, samples, location: "test.jsonl:1" }], exactAnswerFormat)[0]!;
}

function stop(spec: string, problem: GradedProblem) {
  const { answer, correct, tokens } = completionOrderStop(
    problem,
    problem.samples,
    parseReplayStrategy(spec),
  );
  return { answer, correct, tokens };
}

// In order of completion: none (800), 7 (1,000), 7 (2,000), 7 (3,000), 7 (4,000), 9 (5,000).
const problem = problemOf([
  ["9", 5000],
  ["7", 1000],
  ["7", 3000],
  ["7", 2000],
  ["7", 4000],
  [null, 800],
]);

describe("completionOrderStop", () => {
  it("votes in order of completion and stops every trace when Adaptive-Consistency holds", () => {
    // The fourth 7 finishes at 4,000 tokens (0.969 ≥ 0.95): each trace is charged up to there.
    expect(stop("pasc@6", problem)).toEqual({
      answer: "7",
      correct: true,
      tokens: 4000 + 1000 + 3000 + 2000 + 4000 + 800,
    });
  });

  it("with a quorum, stops once that many have finished, answering their majority", () => {
    // The first three to finish (none, 7, 7) stop it at 2,000 tokens.
    expect(stop("pasc@6f3", problem)).toEqual({
      answer: "7",
      correct: true,
      tokens: 2000 + 1000 + 2000 + 2000 + 2000 + 800,
    });
    // A wrong short trace alone decides at a quorum of one.
    expect(
      stop(
        "pasc@2f1",
        problemOf([
          ["7", 900],
          ["4", 300],
        ]),
      ),
    ).toEqual({
      answer: "4",
      correct: false,
      tokens: 600,
    });
  });

  it("without a stop all run to their end; ties go to the answer that finished first", () => {
    expect(stop("pasc@6:t1", problem)).toMatchObject({ answer: "7", tokens: 15800 });
    // maj@2 takes the first drawn ("1"); in order of completion "2" came first.
    const tied = problemOf(
      [
        ["1", 3000],
        ["2", 1000],
      ],
      "2",
    );
    const [parallel, majority] = evaluateReplay([tied], parseReplayStrategies("pasc@2:t1,maj@2"), {
      resamples: 10,
    });
    expect(parallel!.outcomes[0]).toMatchObject({ answer: "2", score: 1, samples: 2, tokens: 4000 });
    expect(majority!.outcomes[0]).toMatchObject({ answer: "1", score: 0, tokens: 4000 });
  });

  it("needs every trace's token count", () => {
    const unknown = problemOf([
      ["7", 100],
      ["7", undefined],
    ]);
    expect(() => stop("pasc@2", unknown)).toThrow(ConfigError);
    expect(() => stop("pasc@2", unknown)).toThrow(
      /pasc@2 runs traces in parallel and needs every trace's token count/,
    );
  });
});
