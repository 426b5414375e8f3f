import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { syntheticRun } from "../../testing/index.ts";
import type { RunData } from "../run-data.ts";
import { replayDatasetFromRun } from "./replay-dataset-from-run.ts";
import { replayReportOf } from "./run-replay.ts";

const run = syntheticRun({ seed: 3, problems: 12 });

describe("replayDatasetFromRun", () => {
  it("takes one strategy's samples per problem, in sample order, with their recorded correctness", () => {
    const strategy = run.samples.find((sample) => sample.strategy !== "greedy")!.strategy;
    const dataset = replayDatasetFromRun(run, strategy, "runs/x");
    const recorded = run.samples.filter((sample) => sample.strategy === strategy);
    expect(dataset.format).toBe("mull-run");
    expect(dataset.problems.map((problem) => problem.id)).toEqual(
      run.problems
        .map((problem) => problem.id)
        .filter((id) => recorded.some((sample) => sample.problemId === id)),
    );
    const first = dataset.problems[0]!;
    const own = recorded
      .filter((sample) => sample.problemId === first.id)
      .sort((a, b) => a.sampleIndex - b.sampleIndex);
    expect(first.samples.map((sample) => [sample.answer, sample.correct, sample.completionTokens])).toEqual(
      own.map((sample) => [sample.answer ?? null, sample.correct, sample.completionTokens]),
    );
    // mean@1 over recorded correctness is the share of problems whose first sample was right.
    const report = replayReportOf(dataset, { strategies: "mean@1", resamples: 10 });
    const firstRight = dataset.problems.filter((problem) => problem.samples[0]!.correct === true).length;
    expect(report.evaluations[0]?.correct).toBe(firstRight);
  });

  it("names --strategy when it is ambiguous or has no samples, and picks the only one otherwise", () => {
    const strategies = [...new Set(run.samples.map((sample) => sample.strategy))];
    expect(strategies.length).toBeGreaterThan(1);
    const ambiguous = (() => {
      try {
        replayDatasetFromRun(run, undefined, "runs/x");
      } catch (error) {
        return error;
      }
    })();
    expect(ConfigError.isInstance(ambiguous) && ambiguous.field).toBe("--strategy");
    expect((ambiguous as Error).message).toContain(`recorded: ${strategies.join(", ")}`);
    expect(() => replayDatasetFromRun(run, "nope@3", "runs/x")).toThrow(
      '--strategy "nope@3": no samples of it in runs/x',
    );
    // The larger model's run of a cascade replay names its own flag.
    expect(() => replayDatasetFromRun(run, "nope@3", "runs/x", "--escalate-strategy")).toThrow(
      '--escalate-strategy "nope@3": no samples of it in runs/x',
    );
    const single: RunData = {
      ...run,
      samples: run.samples.filter((sample) => sample.strategy === strategies[0]),
    };
    expect(replayDatasetFromRun(single, undefined, "runs/x").problems.length).toBeGreaterThan(0);
  });
});
