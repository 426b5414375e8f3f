import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import type { GenerationRequest } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import type { Grader } from "../graders/index.ts";
import { loadRun } from "../store/index.ts";
import { runBench } from "./run-bench.ts";
import { hashGrader, promptText, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-latency-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** Milliseconds of the run's clock each backend call takes. */
const callMilliseconds = 10;
/** Milliseconds of the run's clock each grading takes: a slow grader, far above the calls' time. */
const gradeMilliseconds = 1000;

/**
 * A sums run on a manual clock that moves only while the backend answers a call or the grader grades,
 * with the backend's calls counted by question.
 */
function timedRun(strategies: readonly string[], out: string) {
  const clock = manualClock();
  const callsByQuestion = new Map<string, number>();
  let grades = 0;
  const backend = createScriptedBackend({
    respond: respondToSum,
    onCall: (request: GenerationRequest) => {
      const question = /What is \d+\+\d+\?/.exec(promptText(request))![0];
      callsByQuestion.set(question, (callsByQuestion.get(question) ?? 0) + 1);
      clock.advance(callMilliseconds);
    },
  });
  const grader: Grader = {
    ...hashGrader,
    grade: (answer, gold) => {
      grades += 1;
      clock.advance(gradeMilliseconds);
      return hashGrader.grade(answer, gold);
    },
  };
  const dataset = sumsDataset(4);
  const options = {
    dataset,
    strategies,
    backend,
    grader,
    out: join(directory, out),
    seed: 7,
    sampling: { temperature: 0.7, maxTokens: 64 },
    clock,
    concurrency: 1,
  };
  return { options, dataset, callsByQuestion, grades: () => grades };
}

describe("the latency a bench run records", () => {
  it("is the strategy's time to its result, without grading the answer and samples", async () => {
    const run = timedRun(["sc@4"], "pairs");
    const summary = await runBench(run.options);
    expect(summary).toMatchObject({ recorded: 4, interrupted: false });
    // Each pair graded its answer and its four samples, each grading a second of the run's clock.
    expect(run.grades()).toBe(4 * 5);
    const results = (await loadRun(summary.directory)).results;
    for (const problem of run.dataset.problems) {
      const result = results.find((entry) => entry.problemId === problem.id)!;
      const calls = run.callsByQuestion.get(problem.question)!;
      expect(calls).toBeGreaterThan(0);
      expect(result.latencyMilliseconds).toBe(calls * callMilliseconds);
    }
  });

  it("is a compute-optimal allocation's share of its batch's time, without grading", async () => {
    const run = timedRun(["alloc@4"], "allocation");
    const summary = await runBench(run.options);
    expect(summary).toMatchObject({ recorded: 4, interrupted: false });
    expect(run.grades()).toBeGreaterThan(4);
    const calls = [...run.callsByQuestion.values()].reduce((sum, count) => sum + count, 0);
    const results = (await loadRun(summary.directory)).results;
    expect(results.map((result) => result.latencyMilliseconds)).toEqual(
      Array.from({ length: 4 }, () => (calls * callMilliseconds) / 4),
    );
  });
});
