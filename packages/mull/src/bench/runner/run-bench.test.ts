import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "../../backends/openai-compatible/index.ts";
import { manualClock } from "../../runtime/index.ts";
import type { OutcomeScorer, ProcessRewardModel } from "../../spec/index.ts";
import { startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import type { ProblemResult, RunData } from "../run-data.ts";
import { acquireRunLock, loadRun, RunConfigChangedError, RunInProgressError } from "../store/index.ts";
import type { BenchProgress } from "./bench-progress.ts";
import { BenchRunError } from "./bench-run-error.ts";
import { problemSeed } from "./problem-seed.ts";
import { runBench } from "./run-bench.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { hashGrader, promptText, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-runbench-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const dataset = sumsDataset(12);
const grader = hashGrader;
const respond = respondToSum;

function options(overrides: Partial<RunBenchOptions> = {}): RunBenchOptions {
  return {
    dataset,
    strategies: ["greedy", "sc@4"],
    backend: createScriptedBackend({ respond }),
    out: join(directory, "run"),
    grader,
    seed: 7,
    sampling: { temperature: 0.7, maxTokens: 64 },
    clock: manualClock(),
    ...overrides,
  };
}

/** Results and samples without latencies (the only field that is not a function of the seed). */
function comparable(run: RunData) {
  return {
    results: run.results.map(({ latencyMilliseconds: _latency, ...rest }: ProblemResult) => rest),
    samples: run.samples,
  };
}

describe("runBench", () => {
  it("runs every (problem, strategy) pair, grades samples and results, and summarises per strategy", async () => {
    const run = await runBench(options());
    expect(run).toMatchObject({ created: true, total: 24, skipped: 0, recorded: 24, interrupted: false });
    const data = await loadRun(run.directory);
    expect(data.results).toHaveLength(24);
    expect(data.samples).toHaveLength(12 * (1 + 4));
    for (const result of data.results) {
      const gold = dataset.problems.find((problem) => problem.id === result.problemId)!.gold;
      expect(result.correct).toBe(result.answer === gold);
      expect(result.seed).toBe(problemSeed(7, result.problemId, result.strategy));
    }
    for (const sample of data.samples) {
      const gold = dataset.problems.find((problem) => problem.id === sample.problemId)!.gold;
      expect(sample.correct).toBe(sample.answer === gold);
    }
    // Greedy is always right here; sampled answers are sometimes wrong.
    expect(
      data.results.filter((result) => result.strategy === "greedy").every((result) => result.correct),
    ).toBe(true);
    expect(data.samples.some((sample) => !sample.correct)).toBe(true);
    for (const summary of run.summary.strategies) {
      const results = data.results.filter((result) => result.strategy === summary.strategy);
      expect(summary.problems).toBe(12);
      expect(summary.accuracy).toBe(results.filter((result) => result.correct).length / 12);
      expect(summary.samples).toBe(summary.strategy === "greedy" ? 12 : 48);
      const prompt = results.reduce((sum, result) => sum + result.promptTokens!, 0);
      const completion = results.reduce((sum, result) => sum + result.completionTokens!, 0);
      expect(summary.tokens).toEqual({
        prompt,
        completion,
        total: prompt + completion,
        perProblem: (prompt + completion) / 12,
        completionPerProblem: completion / 12,
      });
    }
    expect(data.manifest).toMatchObject({ dataset: "sums", strategies: ["greedy", "sc@4"], seed: 7 });
    expect(data.manifest.backend.kind).toBeTypeOf("string");
  });

  it("records the inference stack in the manifest: backend, model shape, capabilities, sampling, seed, machine rates", async () => {
    const scripted = createScriptedBackend({ respond, capabilities: { grammar: true } });
    const architecture = { type: "llama", parameters: 1000, layers: 2, embedding: 8 };
    const backend = {
      ...scripted,
      describe: () => ({
        kind: "scripted",
        model: "m",
        versions: { engine: "1.2.3" },
        modelHash: "sha256:abc",
        architecture,
      }),
    };
    const performance = { flopsPerSecond: 2e9, bytesPerSecond: 1e10, source: "given" };
    const run = await runBench(options({ backend, machinePerformance: performance, limit: 1 }));
    const manifest = (await loadRun(run.directory)).manifest;
    expect(manifest.backend).toEqual({
      kind: "scripted",
      model: "m",
      versions: { engine: "1.2.3" },
      modelHash: "sha256:abc",
      architecture,
    });
    expect(manifest.capabilities).toEqual(await scripted.capabilities());
    expect(manifest.capabilities?.grammar).toBe(true);
    expect(manifest.sampling).toEqual({ temperature: 0.7, maxTokens: 64 });
    expect(manifest.seed).toBe(7);
    expect(manifest.machine.performance).toEqual(performance);
    expect(manifest.versions.engine).toBe("1.2.3");
  });

  it("records the pairs in flight, the engine's contexts and threads (outside the configuration hash) and cached prompt tokens", async () => {
    const scripted = createScriptedBackend({ respond });
    const engine = (contexts: number) => ({
      ...scripted,
      describe: () => ({ kind: "scripted", model: "m", contexts, threads: 1 }),
      // An engine that kept 2 tokens of every call's prompt from an earlier call.
      generate: async (...call: Parameters<typeof scripted.generate>) => {
        const generated = await scripted.generate(...call);
        return { ...generated, usage: { ...generated.usage, cachedPromptTokens: 2 } };
      },
    });
    const wide = await runBench(options({ backend: engine(2), concurrency: 4, limit: 2 }));
    const narrow = await runBench(
      options({ backend: engine(1), concurrency: 1, limit: 2, out: join(directory, "narrow") }),
    );
    const wideManifest = (await loadRun(wide.directory)).manifest;
    const narrowManifest = (await loadRun(narrow.directory)).manifest;
    expect(wideManifest.concurrency).toBe(4);
    expect(wideManifest.backend).toMatchObject({ contexts: 2, threads: 1 });
    expect(narrowManifest.concurrency).toBe(1);
    expect(narrowManifest.backend.contexts).toBe(1);
    // Speed, not results: a resume with other contexts or concurrency continues the run.
    expect(narrowManifest.configHash).toBe(wideManifest.configHash);
    const results = (await loadRun(wide.directory)).results;
    expect(results).toHaveLength(4);
    for (const result of results) expect(result.cachedPromptTokens).toBe(2 * result.calls);
  });

  it("records what an HTTP server says of itself: its build, model file, version and sampling defaults", async () => {
    const server = await startFakeOpenAIServer({
      props: {
        build_info: "b6123-1a2b3c4d",
        model_path: "/models/lab-large.gguf",
        default_generation_settings: { params: { top_k: 40, min_p: 0.05 } },
      },
      version: "0.10.1",
    });
    const silent = await startFakeOpenAIServer();
    const backend = createOpenAICompatibleBackend({ baseUrl: server.url, model: "fake-model" });
    const plain = createOpenAICompatibleBackend({ baseUrl: silent.url, model: "fake-model" });
    try {
      const run = await runBench(options({ backend, strategies: ["greedy"], limit: 2 }));
      const manifest = (await loadRun(run.directory)).manifest;
      expect(manifest.backend).toEqual({
        kind: "openai-compatible",
        model: "fake-model",
        baseUrl: server.url,
        versions: { "llama.cpp": "b6123-1a2b3c4d", server: "0.10.1" },
        modelFile: "/models/lab-large.gguf",
      });
      expect(manifest.versions).toMatchObject({ "llama.cpp": "b6123-1a2b3c4d", server: "0.10.1" });
      expect(manifest.capabilities?.samplingDefaults?.values).toEqual({ top_k: 40, min_p: 0.05 });

      // A server that answers neither route runs the same, described as configured.
      const bare = await runBench(
        options({ backend: plain, strategies: ["greedy"], limit: 2, out: join(directory, "bare") }),
      );
      expect(bare.recorded).toBe(2);
      const bareManifest = (await loadRun(bare.directory)).manifest;
      expect(bareManifest.backend).toEqual({
        kind: "openai-compatible",
        model: "fake-model",
        baseUrl: silent.url,
      });
      expect(Object.keys(bareManifest.versions).sort()).toEqual(["mull", "node"]);
      expect(bareManifest.capabilities?.samplingDefaults).toBeUndefined();
    } finally {
      await backend.dispose();
      await plain.dispose();
      await server.close();
      await silent.close();
    }
  });

  it("gives the same results whatever the concurrency", async () => {
    const serial = await runBench(options({ out: join(directory, "serial") }));
    const parallel = await runBench(options({ out: join(directory, "parallel"), concurrency: 4 }));
    expect(comparable(await loadRun(parallel.directory))).toEqual(
      comparable(await loadRun(serial.directory)),
    );
  });

  it("resumes an interrupted run to the same results as an uninterrupted one, re-running only what is missing", async () => {
    const reference = await runBench(options({ out: join(directory, "reference") }));
    const controller = new AbortController();
    let seen = 0;
    const progress: BenchProgress = {
      start: () => {},
      advance: () => {
        seen += 1;
        if (seen === 9) controller.abort(new Error("interrupted"));
      },
      stop: () => {},
    };
    const first = await runBench(options({ signal: controller.signal, progress, concurrency: 3 }));
    expect(first.interrupted).toBe(true);
    expect(first.recordedElsewhere).toBe(0);
    expect(first.missing).toBe(24 - first.recorded);
    const partial = (await loadRun(first.directory)).results.length;
    expect(partial).toBeGreaterThanOrEqual(9);
    expect(partial).toBeLessThan(24);

    const backend = createScriptedBackend({ respond });
    const second = await runBench(options({ resume: true, backend }));
    expect(second).toMatchObject({
      created: false,
      skipped: partial,
      recorded: 24 - partial,
      interrupted: false,
    });
    // Only the missing pairs called the backend: greedy pairs make one call, sc@4 pairs one call of n = 4.
    expect(backend.calls.length).toBe(24 - partial);
    expect(comparable(await loadRun(second.directory))).toEqual(
      comparable(await loadRun(reference.directory)),
    );

    const third = await runBench(options({ resume: true }));
    expect(third).toMatchObject({ skipped: 24, recorded: 0 });
  });

  it("refuses to resume with a changed configuration and lists each change", async () => {
    await runBench(options({ limit: 3 }));
    let error: unknown;
    try {
      await runBench(
        options({
          limit: 3,
          resume: true,
          sampling: { temperature: 1, maxTokens: 64 },
          strategies: ["sc@8"],
        }),
      );
    } catch (caught) {
      error = caught;
    }
    expect(RunConfigChangedError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("sampling.temperature: 0.7 → 1");
    expect(message).toContain('strategies: ["greedy","sc@4"] → ["sc@8"]');
    expect((error as RunConfigChangedError).changes.map((change) => change.field)).toEqual([
      "sampling.temperature",
      "strategies",
    ]);
    await expect(runBench(options({ limit: 3 }))).rejects.toThrow("pass --resume to continue it");
    await expect(runBench(options({ limit: 3, resume: true, seed: 8 }))).rejects.toThrow("seed: 7 → 8");
  });

  it("refuses a run directory locked by another process, naming its pid", async () => {
    const out = join(directory, "locked");
    const lock = acquireRunLock(out);
    try {
      const error = await runBench(options({ out })).catch((caught: unknown) => caught);
      expect(RunInProgressError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(`run in progress (pid ${process.pid}`);
    } finally {
      lock.release();
    }
  });

  it("lets only one of two runs write one run directory at once: the other is refused by the lock", async () => {
    const out = join(directory, "shared");
    const [first, second] = await Promise.allSettled([
      runBench(options({ out, resume: true })),
      runBench(options({ out, resume: true })),
    ]);
    expect(first.status).toBe("fulfilled");
    expect(first.status === "fulfilled" && first.value).toMatchObject({
      recorded: 24,
      recordedElsewhere: 0,
      missing: 0,
      interrupted: false,
    });
    expect(second.status).toBe("rejected");
    const error = second.status === "rejected" ? second.reason : undefined;
    expect(RunInProgressError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`run in progress (pid ${process.pid}`);
    expect((await loadRun(out)).results).toHaveLength(24);
  });

  it("refuses a run directory that is a symbolic link, writing nothing through it (RELIABILITY 25)", async () => {
    const elsewhere = join(directory, "elsewhere");
    mkdirSync(elsewhere);
    const out = join(directory, "linked");
    symlinkSync(elsewhere, out);
    const error = await runBench(options({ out })).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain(`out ${JSON.stringify(out)}: ${out} is a symbolic link`);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("makes the process reward model part of the configuration only when a search uses it", async () => {
    const steadyPrm = (name: string): ProcessRewardModel => ({
      name,
      score: async (_problem, solutions) => ({
        results: solutions.map((steps) => ({ rewards: steps.map(() => 1) })),
        calls: 0,
      }),
    });
    await runBench(options({ strategies: ["greedy", "pf@2"], prm: steadyPrm("a"), limit: 2 }));
    await expect(
      runBench(options({ strategies: ["greedy", "pf@2"], prm: steadyPrm("b"), limit: 2, resume: true })),
    ).rejects.toThrow('prm: "a" → "b"');
    const plain = join(directory, "plain");
    await runBench(options({ out: plain, strategies: ["greedy"], prm: steadyPrm("a"), limit: 2 }));
    // Without a search the PRM does not matter: a resume with another one is the same run.
    await runBench(
      options({ out: plain, strategies: ["greedy"], prm: steadyPrm("b"), limit: 2, resume: true }),
    );
  });

  it("makes the scorer part of the configuration, and records its verdict, only for strategies that need it", async () => {
    const checker = (name: string): OutcomeScorer => ({
      name,
      score: async (problem, solutions) => ({
        scores: solutions.map((solution) => ({
          scorer: name,
          kind: "outcome" as const,
          value: solution.answer !== undefined && Number(solution.answer) === Number(problem.gold) ? 1 : 0,
        })),
        calls: 0,
      }),
    });
    const run = await runBench(options({ strategies: ["sc@2", "bon@2"], scorer: checker("a"), limit: 3 }));
    const results = (await loadRun(run.directory)).results;
    expect(results.filter((result) => result.strategy === "bon@2")).toHaveLength(3);
    for (const result of results) {
      if (result.strategy === "bon@2") expect(result.verifierAccepted).toBe(result.correct);
      else expect(result.verifierAccepted).toBeUndefined();
    }
    await expect(
      runBench(options({ strategies: ["sc@2", "bon@2"], scorer: checker("b"), limit: 3, resume: true })),
    ).rejects.toThrow('scorer: "a" → "b"');
    const plain = join(directory, "plain");
    await runBench(
      options({ out: plain, strategies: ["sc@2", "wv-prob@2"], scorer: checker("a"), limit: 2 }),
    );
    // Probability voting weighs by log-probabilities, not by the scorer: another scorer is the same run.
    await runBench(
      options({
        out: plain,
        strategies: ["sc@2", "wv-prob@2"],
        scorer: checker("b"),
        limit: 2,
        resume: true,
      }),
    );
  });

  it("crosses strategies with a temperature sweep and sends each temperature to the backend", async () => {
    const backend = createScriptedBackend({ respond });
    const run = await runBench(
      options({ backend, limit: 2, strategies: ["greedy", "sc@2"], temperatures: [0.5, 1] }),
    );
    expect(run.summary.strategies.map((summary) => summary.strategy)).toEqual([
      "greedy",
      "sc@2@t0.5",
      "sc@2@t1.0",
    ]);
    const temperatures = backend.calls.map((call) => call.request.temperature).sort();
    expect(temperatures).toEqual([0, 0, 0.5, 0.5, 1, 1]);
  });

  it("stops at the first failing pair, keeps what was recorded, and a resume finishes the run", async () => {
    let failing = true;
    const flaky = createScriptedBackend({
      respond: (request, index, rng) => {
        if (failing && promptText(request).includes("What is 5+15?")) throw new Error("upstream exploded");
        return respond(request, index, rng);
      },
    });
    const error = await runBench(options({ backend: flaky })).catch((caught: unknown) => caught);
    expect(BenchRunError.isInstance(error)).toBe(true);
    expect((error as BenchRunError).problemId).toBe("sum-5");
    expect((error as Error).message).toContain("problem sum-5, strategy greedy failed: upstream exploded");
    const recorded = (await loadRun(join(directory, "run"))).results;
    expect(recorded.map((result) => result.problemId)).not.toContain("sum-5");
    expect(recorded.length).toBe(10);
    failing = false;
    const resumed = await runBench(options({ backend: flaky, resume: true }));
    expect(resumed).toMatchObject({ skipped: 10, recorded: 14, interrupted: false });
  });

  it("checks its numbers", async () => {
    await expect(runBench(options({ concurrency: 0 }))).rejects.toThrow(
      "bench: concurrency must be an integer >= 1, got 0",
    );
    await expect(runBench(options({ strategies: ["sc@4", "sc@4"] }))).rejects.toThrow("sc@4 is given twice");
    await expect(runBench(options({ strategies: ["nope"] }))).rejects.toThrow(/unknown spec "nope"/);
  });
});
