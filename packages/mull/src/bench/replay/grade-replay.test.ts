import { describe, expect, it } from "vitest";
import { answerFormatByName } from "../../answers/index.ts";
import { evaluateReplay } from "./evaluate-replay.ts";
import { gradeReplay } from "./grade-replay.ts";
import type { ReplayProblem } from "./replay-dataset.ts";
import { parseReplayStrategies } from "./replay-strategy.ts";
import { stoppedTrace } from "./stopped-trace.ts";

const exact = answerFormatByName("exact");

function problemOf(samples: ReplayProblem["samples"]): ReplayProblem {
  return { id: "0", gold: "204", samples, probeInterval: 500, location: "test.jsonl:1" };
}

describe("gradeReplay", () => {
  it('counts an answer whose key is "" as no answer, as null is', () => {
    const [problem] = gradeReplay(
      [problemOf([{ answer: "" }, { answer: "  " }, { answer: null }, { answer: "204" }])],
      exact,
    );
    const samples = problem!.samples;
    expect(samples.map((sample) => sample.answer)).toEqual([undefined, undefined, undefined, "204"]);
    expect(samples.map((sample) => sample.key)).toEqual([undefined, undefined, undefined, "204"]);
    expect(samples.map((sample) => sample.correct)).toEqual([false, false, false, true]);
  });

  it("drops an empty answer extracted from a text, and keeps a recorded correct flag", () => {
    const [problem] = gradeReplay(
      [problemOf([{ text: "   " }, { answer: "", correct: true }, { text: "#### 204" }])],
      exact,
    );
    expect(problem!.samples.map((sample) => sample.key)).toEqual([undefined, undefined, "204"]);
    expect(problem!.samples.map((sample) => sample.correct)).toEqual([false, true, true]);
  });

  it("empty answers do not outvote fewer real ones: maj and asc answer 204", () => {
    // Five empty answers, then three of 204: the empty ones would win 5 to 3 if they voted.
    const samples = [
      ...Array.from({ length: 5 }, () => ({ answer: "", completionTokens: 10 })),
      ...Array.from({ length: 3 }, () => ({ answer: "204", completionTokens: 10 })),
    ];
    const graded = gradeReplay([problemOf(samples)], exact);
    const [majority, adaptive] = evaluateReplay(graded, parseReplayStrategies("maj@8,asc@8"));
    expect(majority!.outcomes[0]!.answer).toBe("204");
    expect(majority!.correct).toBe(1);
    expect(adaptive!.outcomes[0]!.answer).toBe("204");
    // Adaptive-Consistency does not stop on the empty answers: it reads all eight.
    expect(adaptive!.meanSamples).toBe(8);
  });

  it('gives a probe of "" no answer, so it neither settles nor stops a trace', () => {
    const [problem] = gradeReplay(
      [problemOf([{ answer: "204", completionTokens: 2000, intermediateAnswers: ["", " ", "", "204"] }])],
      exact,
    );
    const sample = problem!.samples[0]!;
    expect(sample.probes!.map((probe) => probe.key)).toEqual([undefined, undefined, undefined, "204"]);
    expect(sample.probes!.map((probe) => probe.position)).toEqual([500, 1000, 1500, 2000]);
    // Two agreeing probes would stop it at 1,000 tokens answering "" if empty probes counted.
    const stopped = stoppedTrace(problem!, sample, 2);
    expect(stopped.answer).toBe("204");
    expect(stopped.completionTokens).toBe(2000);
  });
});
