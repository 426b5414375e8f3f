import { describe, expect, it } from "vitest";
import { exactAnswerFormat } from "../../answers/index.ts";
import { seededRng } from "../../runtime/index.ts";
import { evaluateReplay } from "./evaluate-replay.ts";
import { type GradedProblem, gradeReplay } from "./grade-replay.ts";
import { parallelProbeStop } from "./parallel-probe-stop.ts";
import { parseReplayStrategies, parseReplayStrategy } from "./replay-strategy.ts";

interface Trace {
  readonly answer: string | null;
  readonly tokens: number;
  readonly probes: readonly (string | null)[];
}

/** One problem of hand-made traces with probes 500 tokens apart. */
function problemOf(traces: readonly Trace[], gold = "7", id = "p"): GradedProblem {
  const samples = traces.map(({ answer, tokens, probes }) => ({
    answer,
    completionTokens: tokens,
    intermediateAnswers: probes,
  }));
  return gradeReplay(
    [{ id, gold, samples, probeInterval: 500, location: `test.jsonl:${id}` }],
    exactAnswerFormat,
  )[0]!;
}

function stop(spec: string, traces: readonly Trace[]) {
  const problem = problemOf(traces);
  const { answer, correct, tokens } = parallelProbeStop(problem, problem.samples, parseReplayStrategy(spec));
  return { answer, correct, tokens };
}

// Round 1 (500 tokens): 1, 7, 3 — the leader is "1", seen first. Round 2: 7, 7, 5. Round 3: 7, the
// final answer 7 of the trace that ended at 1,200, and 5. C moves to 9 from round 6 on.
const a = { answer: "7", tokens: 4000, probes: ["1", "7", "7", "7", "7", "7", "7", "7"] };
const b = { answer: "7", tokens: 1200, probes: ["7", "7", "7"] };
const c = { answer: "9", tokens: 5000, probes: ["3", "5", "5", "5", "5", "9", "9", "9", "9", "9"] };

describe("parallelProbeStop", () => {
  it("stops every trace once one answer has led for s rounds, charging each up to there", () => {
    // "7" leads rounds 2 and 3: all stop at 1,500 tokens; the trace that ended at 1,200 costs 1,200.
    expect(stop("pprobe@3s2", [a, b, c])).toEqual({ answer: "7", correct: true, tokens: 1500 + 1200 + 1500 });
    // One round is enough at s = 1: the first round's leader, a wrong intermediate answer.
    expect(stop("pprobe@3s1", [a, b, c])).toEqual({ answer: "1", correct: false, tokens: 3 * 500 });
  });

  it("with a share, the leader must hold it in each round; when it never does, all run to their ends", () => {
    // Two of three agree from round 2 on, never all three.
    expect(stop("pprobe@3s2:q0.6", [a, b, c])).toMatchObject({ answer: "7", tokens: 4200 });
    expect(stop("pprobe@3s1:q1", [a, b, c])).toEqual({
      answer: "7",
      correct: true,
      tokens: 4000 + 1200 + 5000,
    });
  });

  it("prunes a running trace that disagrees with the leader d rounds in a row", () => {
    // C disagrees in rounds 1 (3 vs "1") and 2 (5 vs "7"): pruned at 1,000 tokens, it stops answering.
    // "7" then leads rounds 2 to 6: all stop at 3,000.
    expect(stop("pprobe@3s5d2", [a, b, c])).toEqual({
      answer: "7",
      correct: true,
      tokens: 3000 + 1200 + 1000,
    });
    // Without pruning C runs on to 3,000 tokens too, and is charged for them.
    expect(stop("pprobe@3s5", [a, b, c])).toEqual({ answer: "7", correct: true, tokens: 3000 + 1200 + 3000 });
  });

  it("with recorded probe positions, a round reads each trace's latest probe at or before it", () => {
    const problem = gradeReplay(
      [
        {
          id: "q",
          gold: "7",
          probeInterval: 500,
          samples: [
            // Probed late: nothing by round 1 (500 tokens), "7" from round 2 on.
            { answer: "7", completionTokens: 4000, intermediateAnswers: ["7"], intermediatePositions: [900] },
            // Probed often: its latest probe by 500 tokens is "5", by 1,000 "7".
            {
              answer: "7",
              completionTokens: 4000,
              intermediateAnswers: ["3", "5", "7"],
              intermediatePositions: [100, 450, 950],
            },
          ],
          location: "test.jsonl:q",
        },
      ],
      exactAnswerFormat,
    )[0]!;
    const stopAt = (spec: string) => {
      const { answer, tokens } = parallelProbeStop(problem, problem.samples, parseReplayStrategy(spec));
      return { answer, tokens };
    };
    // Round 1: only "5"; rounds 2 and 3: "7" from both.
    expect(stopAt("pprobe@2s1")).toEqual({ answer: "5", tokens: 2 * 500 });
    expect(stopAt("pprobe@2s2:q1")).toEqual({ answer: "7", tokens: 2 * 1500 });
  });

  it("a running trace keeps its latest probe when its probes run out; a missing probe is no answer", () => {
    const short = { answer: "4", tokens: 2400, probes: ["4", "4"] };
    const silent = { answer: "4", tokens: 2400, probes: [null, null, null, null, null] };
    // Rounds 1-4: "4" from the short-probed trace alone; the silent one gives nothing until it ends.
    expect(stop("pprobe@2s4:q0.5", [short, silent])).toEqual({ answer: "4", correct: false, tokens: 4000 });
    expect(stop("pprobe@2s1:q1", [short, silent])).toEqual({ answer: "4", correct: false, tokens: 4800 });
  });

  it("with a rule that never fires it is maj@W over the full traces, with self-consistency's tokens", () => {
    const rng = seededRng(11);
    const pick = (values: readonly (string | null)[]) => values[Math.floor(rng.next() * values.length)]!;
    const choices = ["1", "2", "3", "7", null];
    const problems = Array.from({ length: 60 }, (_, index) => {
      const traces = Array.from({ length: 8 }, () => {
        const tokens = 200 + Math.floor(rng.next() * 6000);
        // Some traces record fewer probes than their length allows.
        const count = Math.max(0, Math.ceil(tokens / 500) - Math.floor(rng.next() * 3));
        return { answer: pick(choices), tokens, probes: Array.from({ length: count }, () => pick(choices)) };
      });
      return problemOf(traces, "7", String(index));
    });
    const [never, neverShared, majority] = evaluateReplay(
      problems,
      parseReplayStrategies("pprobe@8s1000,pprobe@8s1000:q1,maj@8"),
      { resamples: 10 },
    );
    expect(majority!.correct).toBeGreaterThan(0);
    for (const result of [never!, neverShared!]) {
      expect(result.outcomes).toEqual(majority!.outcomes);
      expect(result.meanCompletionTokens).toBe(majority!.meanCompletionTokens);
    }
  });

  it("needs probes and a probe interval", () => {
    const problem = gradeReplay(
      [{ id: "q", gold: "7", samples: [{ answer: "7", completionTokens: 10 }], location: "test.jsonl:2" }],
      exactAnswerFormat,
    )[0]!;
    expect(() => parallelProbeStop(problem, problem.samples, parseReplayStrategy("pprobe@1s2"))).toThrow(
      /test.jsonl:2: pprobe@1s2 tallies probe answers/,
    );
  });
});
