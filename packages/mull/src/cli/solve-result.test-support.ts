import type { Candidate, SolveResult } from "../spec/index.ts";

/** A candidate of `solveResult`, answering `answer` after `completionTokens` tokens that ended with `stop`. */
export function solvedCandidate(id: string, answer: string | undefined, completionTokens = 3): Candidate {
  return {
    id,
    text: `#### ${answer ?? "?"}`,
    answer,
    finishReason: "stop",
    completionTokens,
    scores: [],
  };
}

/** A finished `sc@2` result on the model `scripted` that answered 42 twice, with `overrides` over it. */
export function solveResult(overrides: Partial<SolveResult> = {}): SolveResult {
  const candidates = [solvedCandidate("g1", "42"), solvedCandidate("g2", "42")];
  return {
    answer: "42",
    best: candidates[0],
    candidates,
    votes: { "42": 2 },
    stoppedBy: "complete",
    partial: false,
    usage: { promptTokens: 10, completionTokens: 6, calls: 1 },
    scoreCalls: 0,
    strategy: "sc@2",
    trace: [],
    ...overrides,
  };
}
