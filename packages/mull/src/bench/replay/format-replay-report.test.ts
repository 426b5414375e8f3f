import { describe, expect, it } from "vitest";
import { formatReplayReport } from "./format-replay-report.ts";
import type { ReplayReport } from "./run-replay.ts";

const report: ReplayReport = {
  format: "generic",
  problems: 3,
  samplesPerProblem: { min: 4, max: 8 },
  answerFormat: "numeric",
  rewardScale: "probability",
  seed: 0,
  shuffle: "mull",
  evaluations: [
    {
      strategy: "maj@4",
      kind: "maj",
      k: 4,
      problems: 3,
      accuracy: {
        accuracy: 2 / 3,
        lower: 1 / 3,
        upper: 1,
        confidence: 0.95,
        resamples: 10,
        method: "bootstrap",
        count: 3,
      },
      correct: 2,
      meanSamples: 4,
      meanCompletionTokens: 123.4,
      meanCharacters: undefined,
      budget: "first",
      shuffles: undefined,
    },
  ],
  problemResults: [],
};

describe("formatReplayReport", () => {
  it("prints one aligned row per strategy with accuracy, interval, solved, samples and tokens", () => {
    const text = formatReplayReport(report);
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toContain("generic: 3 problems, 4-8 samples each; answers graded as numeric");
    expect(lines[0]).toContain("the first k samples");
    expect(lines[2]).toMatch(
      /^strategy\s+accuracy %\s+95% interval\s+solved\s+samples\s+tokens\s+characters$/,
    );
    expect(lines[3]).toMatch(/^maj@4\s+66\.7\s+33\.3-100\.0\s+2\/3\s+4\.0\s+123\s+unknown$/);
    expect(lines[2]!.indexOf("solved") + "solved".length).toBe(lines[3]!.indexOf("2/3") + "2/3".length);
  });

  it("adds the share answered when a strategy abstained, and the utility under a cost for wrong answers", () => {
    const first = report.evaluations[0]!;
    const text = formatReplayReport({
      ...report,
      wrongCost: 2,
      evaluations: [
        { ...first, answered: 3, utility: 0 },
        { ...first, strategy: "accept@4", kind: "accept", correct: 1, answered: 1.5, utility: -1 / 6 },
      ],
    });
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toContain("utility per problem: right 1, wrong -2, no answer 0");
    // A wrong answer that costs nothing is worth 0, not -0.
    expect(formatReplayReport({ ...report, wrongCost: 0 })).toContain(
      "utility per problem: right 1, wrong 0, no answer 0",
    );
    expect(lines[2]).toMatch(/\s+characters\s+answered %\s+utility$/);
    expect(lines[3]).toMatch(/^maj@4\s.*\s100\.0\s+0\.000$/);
    expect(lines[4]).toMatch(/^accept@4\s.*\s50\.0\s+-0\.167$/);
    // Without either, neither column.
    expect(formatReplayReport({ ...report, evaluations: [{ ...first, answered: 3 }] })).not.toMatch(
      /answered|utility/,
    );
  });
});
