import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { percent } from "./accuracy-percent.ts";
import { replayReportOf, runReplay } from "./run-replay.ts";

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../..");
const replayData = join(repositoryRoot, "../shared/data/replay");
const faithfulPredictions = join(replayData, "faithful-cot-date-ltm-n40.predictions.jsonl");
const faithfulGold = join(replayData, "faithful-cot-date.gold.jsonl");
const qwen = join(replayData, "qwen25-math-rm-maj-example.jsonl");
const present = [faithfulPredictions, faithfulGold, qwen].every((file) => existsSync(file));

if (!present) console.warn(`skipping the published-figure replay tests: ${replayData} is absent`);

function accuracies(report: ReturnType<typeof runReplay>): Record<string, number> {
  return Object.fromEntries(
    report.evaluations.map((evaluation) => [evaluation.strategy, percent(evaluation.accuracy)]),
  );
}

describe.skipIf(!present)("replay reproduces published figures (../shared/data/replay)", () => {
  it("Faithful-CoT date understanding: majority vote over 40 completions = 77.2%", () => {
    const report = runReplay({
      format: "faithful-cot",
      samples: faithfulPredictions,
      gold: faithfulGold,
      strategies: "maj@40,pass@40,mean@1",
    });
    expect(report.problems).toBe(359);
    expect(report.samplesPerProblem).toEqual({ min: 40, max: 40 });
    expect(report.answerFormat).toBe("exact");
    const [majority, pass] = report.evaluations;
    expect(majority?.correct).toBe(277);
    expect(percent(majority!.accuracy)).toBe(77.2);
    expect(majority!.meanSamples).toBe(40);
    expect(majority!.meanCompletionTokens).toBeUndefined();
    expect(majority!.meanCharacters).toBeGreaterThan(0);
    // The oracle over the same 40 samples can only do better.
    expect(pass!.accuracy.accuracy).toBeGreaterThanOrEqual(majority!.accuracy.accuracy);
  });

  it("Faithful-CoT graded by date equivalence instead of exact strings scores 80.8%", () => {
    const report = runReplay({
      format: "faithful-cot",
      samples: faithfulPredictions,
      gold: faithfulGold,
      strategies: "maj@40",
      answerFormat: "date",
    });
    expect(report.evaluations[0]?.correct).toBe(290);
    expect(percent(report.evaluations[0]!.accuracy)).toBe(80.8);
  });

  it("Qwen2.5-Math example: maj@8 = 93.0, RM@8 = 94.0, mean single-sample accuracy = 91.0", () => {
    const report = runReplay({
      format: "qwen-rm-maj",
      samples: qwen,
      strategies: "maj@8,rm@8,bon@8,mean@8,mean@1,pass@8",
    });
    expect(report.problems).toBe(100);
    expect(report.answerFormat).toBe("math");
    const figures = accuracies(report);
    expect(figures["maj@8"]).toBe(93);
    expect(figures["rm@8"]).toBe(94);
    expect(figures["bon@8"]).toBe(94);
    expect(figures["mean@8"]).toBe(91);
    // The first sample alone: not the published figure, which averages all 8.
    expect(figures["mean@1"]).toBe(90);
    expect(figures["pass@8"]).toBeGreaterThanOrEqual(figures["rm@8"]!);
  });

  it("Qwen2.5-Math example: mean@1 under random draws is exactly 91.0 for any number of shuffles", () => {
    for (const shuffles of [1, 7]) {
      const report = runReplay({
        format: "qwen-rm-maj",
        samples: qwen,
        strategies: "mean@1,rm@8",
        shuffles,
        seed: 3,
      });
      expect(accuracies(report)["mean@1"]).toBe(91);
      // All 8 samples in any order: the reward model picks the same sample.
      expect(accuracies(report)["rm@8"]).toBe(94);
    }
  });

  it("Qwen2.5-Math example: grouping the raw pred strings gives the same vote as the math key", () => {
    const raw = runReplay({
      format: "qwen-rm-maj",
      samples: qwen,
      strategies: "maj@8,maj@4,maj@3",
      answerFormat: "exact",
    });
    const keyed = runReplay({ format: "qwen-rm-maj", samples: qwen, strategies: "maj@8,maj@4,maj@3" });
    expect(accuracies(raw)).toEqual(accuracies(keyed));
    expect(accuracies(raw)["maj@8"]).toBe(93);
  });
});

describe("replayReportOf", () => {
  const dataset = {
    format: "generic",
    answerFormat: "exact",
    rewardScale: "probability" as const,
    problems: [{ id: "1", gold: "4", location: "test.jsonl:1", samples: [{ answer: "4" }, { answer: "5" }] }],
  };

  it("names strategiesFlag, not --strategies, in errors about the strategies it was given", () => {
    expect(() => replayReportOf(dataset, { strategies: "maj@3", strategiesFlag: "--k" })).toThrow(
      "--k: maj@3 needs 3 samples per problem, but no problem has more than 2",
    );
    expect(() => replayReportOf(dataset, { strategies: "vote@2", strategiesFlag: "--parallel" })).toThrow(
      '--parallel: "vote@2" is not a replay strategy',
    );
    expect(() => replayReportOf(dataset, { strategies: "maj@3" })).toThrow("--strategies: maj@3 needs 3");
  });
});
