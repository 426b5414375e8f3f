import { describe, expect, it } from "vitest";
import { solve } from "../solve.ts";
import type { AnswerFormat, Candidate } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { answerAgreement, voteAgreement } from "./answer-agreement.ts";
import { cascade } from "./cascade.ts";

const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /####\s*(.+?)\s*$/.exec(text)?.[1],
  key: (answer) => answer,
  equivalent: (a, b) => a === b,
};

/** A finished candidate with this answer (`undefined`: none). */
function candidate(id: string, answer: string | undefined): Candidate {
  return {
    id,
    text: answer === undefined ? "no idea" : `#### ${answer}`,
    answer,
    finishReason: "stop",
    completionTokens: 2,
    scores: [],
  };
}

describe("voteAgreement", () => {
  it("takes the most voted answer as the leader, wherever it is listed", () => {
    // The leader is the largest count, not the first: [1, 3] is 3 of 4.
    expect(voteAgreement([1, 3])).toEqual({ agreement: 0.75, leaderVotes: 3, answered: 4 });
    expect(voteAgreement([6, 1, 1])).toEqual({ agreement: 0.75, leaderVotes: 6, answered: 8 });
  });

  it("is 0, not unanimous, when no sample voted", () => {
    expect(voteAgreement([])).toEqual({ agreement: 0, leaderVotes: 0, answered: 0 });
  });
});

describe("answerAgreement", () => {
  it("counts only the samples with an answer", () => {
    const pool = [candidate("a", "7"), candidate("b", undefined), candidate("c", "7"), candidate("d", "8")];
    expect(answerAgreement(pool, hashFormat)).toEqual({ agreement: 2 / 3, leaderVotes: 2, answered: 3 });
  });

  it("reads a pool without any answer as no agreement, so a cascade escalates past it", async () => {
    expect(answerAgreement([], hashFormat).agreement).toBe(0);
    expect(answerAgreement([candidate("a", undefined)], hashFormat).agreement).toBe(0);
    // A small model that never answers must not look certain: the large model answers.
    const small = createScriptedBackend({ model: "small", respond: () => "I do not know" });
    const large = createScriptedBackend({ model: "large", respond: () => "#### 2" });
    const strategy = cascade({
      models: [
        { name: "small", backend: small },
        { name: "large", backend: large },
      ],
      small: 4,
    });
    const result = await solve({ problem: "q", strategy, backend: small, answerFormat: hashFormat });
    expect(result.answer).toBe("2");
    expect(large.calls.length).toBeGreaterThan(0);
  });
});
