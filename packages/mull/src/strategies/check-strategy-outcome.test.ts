import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { Strategy } from "../spec/index.ts";
import { checkStrategyOutcome } from "./check-strategy-outcome.ts";

const strategy: Strategy = {
  name: "two-agree@4",
  parameters: {},
  samples: 4,
  run: () => Promise.reject(new Error("not run")),
};
const candidate = { text: "#### 3", answer: "3" };
const outcome = {
  answer: "3",
  best: candidate,
  candidates: [candidate],
  votes: { "3": 1 },
  stoppedBy: "complete",
};

function refusal(returned: unknown): { message: string; field: string | undefined } {
  const error = thrownConfigError(() => checkStrategyOutcome(strategy, returned));
  return { message: error.message, field: error.field };
}

describe("checkStrategyOutcome", () => {
  it("returns an outcome that keeps the contract as it is", () => {
    expect(checkStrategyOutcome(strategy, outcome)).toBe(outcome);
    const none = { answer: undefined, best: undefined, candidates: [], stoppedBy: "condition:consensus" };
    expect(checkStrategyOutcome(strategy, none)).toBe(none);
    // A weighted tally may hold any number, negative log-probabilities included.
    const weighted = { ...outcome, votes: { "3": -0.25 } };
    expect(checkStrategyOutcome(strategy, weighted)).toBe(weighted);
  });

  it("names a stop reason no caller knows, with every one it may be", () => {
    expect(refusal({ ...outcome, stoppedBy: "done" })).toEqual({
      message:
        'runStrategy: strategy two-agree@4 returned stoppedBy "done"; expected one of complete, tokens, completion-tokens, calls, score-calls, time, cost, abort, samples-lost or condition:<name>',
      field: "stoppedBy",
    });
    const { stoppedBy: _stoppedBy, ...withoutReason } = outcome;
    expect(refusal(withoutReason).message).toMatch(
      /^runStrategy: strategy two-agree@4 returned stoppedBy undefined; expected one of complete,/,
    );
  });

  it("names an outcome that is no object", () => {
    expect(refusal(undefined)).toEqual({
      message:
        "runStrategy: strategy two-agree@4 returned undefined; expected an outcome { answer, best, candidates, votes, stoppedBy }",
      field: "outcome",
    });
  });

  it("names each field of the wrong kind", () => {
    expect(refusal({ ...outcome, answer: 3 })).toEqual({
      message:
        "runStrategy: strategy two-agree@4 returned answer 3; expected a string, or undefined for no answer",
      field: "answer",
    });
    expect(refusal({ ...outcome, candidates: "x" }).message).toBe(
      'runStrategy: strategy two-agree@4 returned candidates "x"; expected an array of candidates',
    );
    expect(refusal({ ...outcome, candidates: [candidate, null] })).toEqual({
      message:
        "runStrategy: strategy two-agree@4 returned candidates[1] null; expected a candidate (an object)",
      field: "candidates[1]",
    });
    expect(refusal({ ...outcome, best: "3" }).field).toBe("best");
    expect(refusal({ ...outcome, votes: [1] }).field).toBe("votes");
    expect(refusal({ ...outcome, votes: { "3": "1" } })).toEqual({
      message:
        'runStrategy: strategy two-agree@4 returned votes["3"] "1"; expected a number (votes or weight)',
      field: 'votes["3"]',
    });
  });
});
