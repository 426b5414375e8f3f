import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exactAnswerFormat } from "../../answers/index.ts";
import { evaluateReplay } from "./evaluate-replay.ts";
import { type GradedProblem, gradeReplay } from "./grade-replay.ts";
import { parseReplayStrategies, parseReplayStrategy } from "./replay-strategy.ts";
import { runReplay } from "./run-replay.ts";
import { stoppedTrace } from "./stopped-trace.ts";

interface Trace {
  readonly answer: string | null;
  readonly tokens: number;
  readonly probes: readonly (string | null)[];
}

/** One problem of hand-made traces with probes 500 tokens apart. */
function problemOf(traces: readonly Trace[], gold = "7"): GradedProblem {
  const samples = traces.map(({ answer, tokens, probes }) => ({
    answer,
    completionTokens: tokens,
    intermediateAnswers: probes,
  }));
  return gradeReplay(
    [{ id: "p", gold, samples, probeInterval: 500, location: "test.jsonl:1" }],
    exactAnswerFormat,
  )[0]!;
}

function stopped(trace: Trace, agreement: number) {
  const problem = problemOf([trace]);
  const result = stoppedTrace(problem, problem.samples[0]!, agreement);
  return { answer: result.answer, correct: result.correct, tokens: result.completionTokens };
}

describe("stoppedTrace", () => {
  it("stops at the probe that makes m agreeing answers in a row, charged the tokens up to it", () => {
    const trace = { answer: "9", tokens: 4000, probes: ["3", "7", "7", "7", "9"] };
    expect(stopped(trace, 2)).toEqual({ answer: "7", correct: true, tokens: 1500 });
    expect(stopped(trace, 3)).toEqual({ answer: "7", correct: true, tokens: 2000 });
    expect(stopped(trace, 1)).toEqual({ answer: "3", correct: false, tokens: 500 });
  });

  it("a missing probe answer breaks the agreement; agreeing nulls never stop a trace", () => {
    expect(stopped({ answer: "9", tokens: 4000, probes: ["7", null, "7", "7"] }, 2)).toEqual({
      answer: "7",
      correct: true,
      tokens: 2000,
    });
    expect(stopped({ answer: "9", tokens: 4000, probes: ["7", null, "7", null] }, 2)).toEqual({
      answer: "9",
      correct: false,
      tokens: 4000,
    });
    expect(stopped({ answer: null, tokens: 3000, probes: [null, null, null] }, 2)).toEqual({
      answer: undefined,
      correct: false,
      tokens: 3000,
    });
  });

  it("never charges more than the trace's own tokens; unsettled traces run to their end", () => {
    // The last probe was read at 2,000 tokens, after a trace of 1,938 ended.
    expect(stopped({ answer: "7", tokens: 1938, probes: ["3", "4", "7", "7"] }, 2)).toEqual({
      answer: "7",
      correct: true,
      tokens: 1938,
    });
    expect(stopped({ answer: "7", tokens: 1938, probes: ["3", "4", "5", "7"] }, 2)).toEqual({
      answer: "7",
      correct: true,
      tokens: 1938,
    });
  });

  it("charges a trace up to its recorded probe positions, which win over the probe interval", () => {
    const problem = gradeReplay(
      [
        {
          id: "p",
          gold: "7",
          probeInterval: 500,
          samples: [
            {
              answer: "9",
              completionTokens: 4000,
              intermediateAnswers: ["3", "7", "7", "7"],
              intermediatePositions: [40, 90, 1700, 3100],
            },
          ],
          location: "test.jsonl:1",
        },
      ],
      exactAnswerFormat,
    )[0]!;
    const sample = problem.samples[0]!;
    expect(stoppedTrace(problem, sample, 2)).toMatchObject({ answer: "7", completionTokens: 1700 });
    expect(stoppedTrace(problem, sample, 3)).toMatchObject({ answer: "7", completionTokens: 3100 });
    // No probe interval is needed when every probe has its position.
    const { probeInterval: _, ...withoutInterval } = problem;
    expect(stoppedTrace(withoutInterval, sample, 1)).toMatchObject({ answer: "3", completionTokens: 40 });
  });

  it("needs probes and a probe interval", () => {
    const problem = gradeReplay(
      [{ id: "q", gold: "7", samples: [{ answer: "7" }], location: "test.jsonl:2" }],
      exactAnswerFormat,
    )[0]!;
    expect(() => stoppedTrace(problem, problem.samples[0]!, 2)).toThrow(
      /test.jsonl:2: stopping traces at their probes needs probe answers/,
    );
  });
});

describe("probe replay strategies", () => {
  it("parses probe@kmM and probe-asc@kmM[:t]", () => {
    expect(parseReplayStrategy("probe@64m3")).toEqual({
      name: "probe@64m3",
      kind: "probe",
      k: 64,
      agreement: 3,
    });
    expect(parseReplayStrategy("probe-asc@64m2:t0.9")).toEqual({
      name: "probe-asc@64m2:t0.9",
      kind: "probe-asc",
      k: 64,
      agreement: 2,
      threshold: 0.9,
    });
    expect(() => parseReplayStrategy("probe@64")).toThrow(/"probe@64" is not a replay strategy/);
    expect(() => parseReplayStrategy("maj@64m3")).toThrow(/is not a replay strategy/);
    expect(() => parseReplayStrategy("probe@64m3:t0.9")).toThrow(/is not a replay strategy/);
  });

  it("probe votes over stopped traces; probe-asc draws them until Adaptive-Consistency stops", () => {
    const settled = { answer: "9", tokens: 3000, probes: ["7", "7", "9"] };
    const unsettled = { answer: "8", tokens: 2000, probes: ["1", "2", "3"] };
    const problem = problemOf([settled, settled, settled, settled, unsettled, settled]);
    const [probe, probeAsc, maj] = evaluateReplay(
      [problem],
      parseReplayStrategies("probe@6m2,probe-asc@6m2,maj@6"),
    );
    expect(probe).toMatchObject({ correct: 1, meanSamples: 6, meanCompletionTokens: 5 * 1000 + 2000 });
    // Four agreeing votes and no rival stop Adaptive-Consistency after the first four stopped traces.
    expect(probeAsc).toMatchObject({ correct: 1, meanSamples: 4, meanCompletionTokens: 4 * 1000 });
    expect(maj).toMatchObject({ correct: 0, meanCompletionTokens: 5 * 3000 + 2000 });
  });
});

const replayData = path.resolve(import.meta.dirname, "../../../../../../shared/data/replay");
const files = ["aime24", "aime25", "hmmt25"].map((name) => ({
  name,
  file: path.join(replayData, `qwen3-1.7b-${name}-128.jsonl`),
}));
const present = files.every(({ file }) => existsSync(file));
if (!present) console.warn(`skipping the Qwen3-1.7B probe-stopping replay checks: ${replayData} is absent`);

/**
 * Accuracy % and mean tokens per problem (k) on Python's draws (random.Random(s), s = 0…19, 64 of 128).
 * Against SC@64's 72.50 / 44.17 / 25.00: probes agree early on intermediate results that are not the
 * final answer, so short agreements stop traces cheaply and wrongly.
 */
const pinned: Record<string, Record<string, readonly [number, number]>> = {
  aime24: {
    "probe@64m2": [11.0, 115.0],
    "probe@64m3": [35.17, 229.3],
    "probe@64m4": [43.17, 340.8],
    "probe-asc@64m2": [11.5, 40.8],
    "probe-asc@64m3": [35.0, 92.5],
    "probe-asc@64m4": [43.17, 118.1],
  },
  aime25: {
    "probe@64m2": [19.83, 117.0],
    "probe@64m3": [24.0, 230.0],
    "probe@64m4": [26.67, 341.1],
    "probe-asc@64m2": [19.67, 46.9],
    "probe-asc@64m3": [24.0, 106.8],
    "probe-asc@64m4": [26.67, 170.6],
  },
  hmmt25: {
    "probe@64m2": [6.67, 105.8],
    "probe@64m3": [12.83, 198.8],
    "probe@64m4": [15.33, 296.1],
    "probe-asc@64m2": [6.67, 43.3],
    "probe-asc@64m3": [12.83, 82.1],
    "probe-asc@64m4": [15.33, 122.8],
  },
};

describe.skipIf(!present)(
  "probe stopping on the Qwen3-1.7B traces (../shared/data/replay, skipped when absent)",
  () => {
    it("on Python's 20 shuffles: pinned accuracies and tokens", () => {
      for (const { name, file } of files) {
        const report = runReplay({
          samples: file,
          format: "qwen3-probes",
          strategies: Object.keys(pinned[name]!).join(","),
          shuffle: "python",
          shuffles: 20,
          resamples: 10,
        });
        for (const evaluation of report.evaluations) {
          const [accuracy, tokens] = pinned[name]![evaluation.strategy]!;
          const label = `${name} ${evaluation.strategy}`;
          expect((evaluation.accuracy.accuracy * 100).toFixed(2), `${label} accuracy`).toBe(
            accuracy.toFixed(2),
          );
          expect((evaluation.meanCompletionTokens! / 1000).toFixed(1), `${label} tokens (k)`).toBe(
            tokens.toFixed(1),
          );
        }
      }
    });
  },
);
