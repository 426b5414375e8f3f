import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBudget } from "../../budget/index.ts";
import { ConfigError } from "../../errors/index.ts";
import { defaultPromptTemplate } from "../../generation/index.ts";
import { allocateCompute } from "../../routing/allocate-compute.ts";
import { manualClock, seededRng } from "../../runtime/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { createTracer } from "../../trace/index.ts";
import type { ProblemResult, RunData } from "../run-data.ts";
import { loadRun } from "../store/index.ts";
import { BenchRunError } from "./bench-run-error.ts";
import { problemSeed } from "./problem-seed.ts";
import { runBench } from "./run-bench.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { hashFormat, hashGrader, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-allocation-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const dataset = sumsDataset(12);
const sampling = { temperature: 0.7, maxTokens: 64 };

function options(overrides: Partial<RunBenchOptions> = {}): RunBenchOptions {
  return {
    dataset,
    strategies: ["sc@4", "alloc@4"],
    backend: createScriptedBackend({ respond: respondToSum }),
    out: join(directory, "run"),
    grader: hashGrader,
    seed: 7,
    sampling,
    clock: manualClock(),
    ...overrides,
  };
}

function comparable(run: RunData) {
  return {
    results: run.results.map(({ latencyMilliseconds: _latency, ...rest }: ProblemResult) => rest),
    samples: run.samples,
  };
}

describe("runBench with a compute-optimal allocation (alloc@S)", () => {
  it("records one result per problem: allocateCompute over the batch with each problem's pair seed", async () => {
    const run = await runBench(options());
    expect(run).toMatchObject({ total: 24, recorded: 24, interrupted: false });
    const data = await loadRun(run.directory);
    const results = data.results.filter((result) => result.strategy === "alloc@4");
    expect(results).toHaveLength(12);

    // The same batch, run directly with the contexts the bench gives each problem.
    const clock = manualClock();
    const direct = await allocateCompute(dataset.problems, {
      totalSamples: 48,
      probe: 2,
      context: (problem) => {
        const budget = createBudget({}, { clock });
        return {
          backend: createScriptedBackend({ respond: respondToSum }),
          budget,
          rng: seededRng(problemSeed(7, problem.id, "alloc@4")),
          clock,
          tracer: createTracer(clock),
          parentId: undefined,
          answerFormat: hashFormat,
          promptTemplate: defaultPromptTemplate,
          sampling,
          signal: budget.signal,
        };
      },
    });
    for (const [index, problem] of dataset.problems.entries()) {
      const result = results.find((entry) => entry.problemId === problem.id)!;
      const expected = direct[index]!;
      expect(result.seed).toBe(problemSeed(7, problem.id, "alloc@4"));
      expect(result.answer).toBe(expected.answer);
      expect(result.samples).toBe(expected.candidates.length);
      expect(result.completionTokens).toBe(expected.usage.completionTokens);
      expect(result.correct).toBe(result.answer === problem.gold);
      const samples = data.samples.filter(
        (sample) => sample.problemId === problem.id && sample.strategy === "alloc@4",
      );
      expect(samples.map((sample) => sample.text)).toEqual(
        expected.candidates.map((candidate) => candidate.text),
      );
    }
    // Every problem got its probe of 2; the extra samples went to split probes only, 48 in all at most.
    const spent = results.map((result) => result.samples);
    expect(Math.min(...spent)).toBe(2);
    expect(Math.max(...spent)).toBeGreaterThan(4);
    expect(spent.reduce((sum, samples) => sum + samples, 0)).toBeLessThanOrEqual(48);
    const summary = run.summary.strategies.find((strategy) => strategy.strategy === "alloc@4")!;
    expect(summary.problems).toBe(12);
    expect(summary.accuracy).toBe(results.filter((result) => result.correct).length / 12);
  });

  it("resumes a run stopped while recording the batch to the same results as an uninterrupted one", async () => {
    const reference = await runBench(options({ out: join(directory, "reference") }));
    let commits = 0;
    const failing = await runBench(
      options({
        beforeCommit: (result) => {
          if (result.strategy !== "alloc@4") return;
          commits += 1;
          if (commits === 5) throw new Error("disk I/O error");
        },
      }),
    ).catch((error: unknown) => error);
    expect(BenchRunError.isInstance(failing)).toBe(true);
    expect((failing as Error).message).toMatch(
      /strategy alloc@4 failed: cannot write \S+bench\.sqlite: the disk is full or a file-size limit was hit \(disk I\/O error\)/,
    );
    const kept = (await loadRun(join(directory, "run"))).results;
    expect(kept.filter((result) => result.strategy === "alloc@4")).toHaveLength(4);

    const resumed = await runBench(options({ resume: true }));
    expect(resumed).toMatchObject({ skipped: 16, recorded: 8, interrupted: false });
    expect(comparable(await loadRun(resumed.directory))).toEqual(
      comparable(await loadRun(reference.directory)),
    );
  });

  it("draws the probes from the route's first model and the extra samples from its second", async () => {
    const small = createScriptedBackend({ respond: respondToSum, model: "small" });
    const large = createScriptedBackend({ respond: respondToSum, model: "large" });
    const backends: Record<string, typeof small> = { small, large };
    const run = await runBench(
      options({
        strategies: ["alloc@4p2:small>large"],
        resolveModel: (name) => backends[name]!,
      }),
    );
    const results = (await loadRun(run.directory)).results;
    expect(results).toHaveLength(12);
    // Every probe is one call of n = 2 on the small model; only split probes reach the large one.
    expect(small.calls.length).toBe(12);
    expect(large.calls.length).toBeGreaterThan(0);
    for (const result of results) {
      const probe = result.usageByModel?.small;
      expect(probe?.calls).toBe(1);
      const extra = result.usageByModel?.large;
      expect(result.calls).toBe(1 + (extra?.calls ?? 0));
      expect(result.completionTokens).toBe((probe?.completionTokens ?? 0) + (extra?.completionTokens ?? 0));
    }
  });

  it("refuses what it cannot run before any pair: a time limit, a route it cannot load, a queue", async () => {
    await expect(runBench(options({ budget: { maxMilliseconds: 1000 } }))).rejects.toThrow(
      /alloc@4 runs its problems interleaved over the batch, so a per-pair time limit \(maxMilliseconds 1000\)/,
    );
    const error = await runBench(options({ strategies: ["alloc@4:small>large"] })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("alloc@4:small>large names the models small>large");
    await expect(runBench(options({ strategies: ["alloc@4p9"] }))).rejects.toThrow(
      /malformed allocation spec "alloc@4p9": a probe of 9 exceeds/,
    );
  });
});
