import { describe, expect, it } from "vitest";
import { cpuPower } from "../../metrics/index.ts";
import { syntheticRun } from "../../testing/synthetic-run.ts";
import type { ProblemResult, RunData } from "../run-data.ts";
import { summarizeInferenceCost } from "./strategy-inference-cost.ts";

// 2·N = 2000 FLOPs per token, attention 32 per context token, 500 bytes of weights, 64 of cache per token.
const architecture = { parameters: 1000, layers: 2, embedding: 8, weightBytes: 500 };
const machine = { flopsPerSecond: 1000, bytesPerSecond: 1000, source: "hand-made" };

function result(overrides: Partial<ProblemResult>): ProblemResult {
  return {
    problemId: "a",
    strategy: "sc@2",
    answer: "1",
    correct: true,
    samples: 2,
    promptTokens: 6,
    completionTokens: 4,
    calls: 2,
    scoreCalls: 0,
    latencyMilliseconds: 20_000,
    stoppedBy: "complete",
    ...overrides,
  };
}

function run(withShape: boolean, withRates: boolean): RunData {
  const base = syntheticRun({ seed: 1 });
  return {
    ...base,
    manifest: {
      ...base.manifest,
      strategies: ["sc@2", "cascade@2", "cascade@1"],
      backend: { ...base.manifest.backend, ...(withShape ? { architecture } : {}) },
      machine: { ...base.manifest.machine, ...(withRates ? { performance: machine } : {}) },
    },
    results: [
      result({}),
      result({ problemId: "b", promptTokens: undefined }),
      result({
        strategy: "cascade@2",
        usageByModel: {
          small: { promptTokens: 3, completionTokens: 2, calls: 1 },
          large: { promptTokens: 3, completionTokens: 2, calls: 1 },
        },
      }),
      // A routing strategy whose small model answered every problem alone: not the run's model either.
      result({
        strategy: "cascade@1",
        usageByModel: { small: { promptTokens: 3, completionTokens: 2, calls: 1 } },
      }),
    ],
    samples: [],
  };
}

// The 3-token prompt once (6192 FLOPs: 2000·3 + 32·(1+2+3)), then two 2-token completions side by side
// after it (2 · (2000·2 + 32·(4+5)) = 8576).
const flops = 6192 + 8576;

describe("summarizeInferenceCost", () => {
  it("counts one prompt per problem where the backend did not say what it cached, and decodes samples side by side", () => {
    const summary = summarizeInferenceCost(run(true, true));
    expect(summary?.ratesOrigin).toBe("run");
    expect(summary?.server).toBeUndefined();
    expect(summary?.omitted).toEqual(["cascade@2", "cascade@1"]);
    expect(summary?.power).toEqual(cpuPower());
    expect(summary?.rateScale).toBe(1);
    expect(summary?.fastestPair).toBeUndefined();
    expect(summary?.machine).toEqual(machine);
    expect(summary?.cachedCountsReported).toBe(0);
    expect(summary?.resultsCounted).toBe(1);
    // Neither the pairs in flight nor the engines recorded: each latency counts whole.
    expect(summary?.execution).toEqual({
      concurrency: undefined,
      engines: undefined,
      threads: undefined,
      share: 1,
    });
    expect(summary?.strategies).toHaveLength(1);
    const [cost] = summary?.strategies ?? [];
    expect(cost?.strategy).toBe("sc@2");
    expect(cost?.problems).toBe(1);
    expect(cost?.flopsPerProblem).toBe(flops);
    // Compute-bound at 1000 FLOP/s: 6.192 s of prompt, then steps of 2 · (2000 + 32·t) FLOPs at t = 4, 5.
    expect(cost?.idealizedSecondsPerProblem).toBeCloseTo(14.768, 9);
    expect(cost?.latencySecondsPerProblem).toBe(20);
    expect(cost?.engineSecondsPerProblem).toBe(20);
    expect(cost?.idealizedToEngine).toBeCloseTo(14.768 / 20, 9);
    expect(cost?.energyJoulesPerProblem).toBe(200);
    expect(cost?.idealizedEnergyJoulesPerProblem).toBeCloseTo(147.68, 9);
  });

  it("counts only the prompt tokens evaluated, raises the rates a pair beat, and shares the engine among the pairs in flight", () => {
    const base = run(true, true);
    const engineRun: RunData = {
      ...base,
      manifest: {
        ...base.manifest,
        strategies: ["greedy", "sc@2"],
        // Two pairs in flight on one context of one thread.
        concurrency: 2,
        backend: { ...base.manifest.backend, contexts: 1, threads: 1 },
      },
      results: [
        // One call of n = 2: the prompt counted once per completion, the second one's copied (cached).
        result({ calls: 1, cachedPromptTokens: 3 }),
        // Done in 1 s, though its 10,480 FLOPs take 10.48 s at the measured 1000 FLOP/s.
        result({
          strategy: "greedy",
          samples: 1,
          promptTokens: 3,
          completionTokens: 2,
          calls: 1,
          cachedPromptTokens: 0,
          latencyMilliseconds: 1000,
        }),
      ],
    };
    const summary = summarizeInferenceCost(engineRun);
    expect(summary?.cachedCountsReported).toBe(2);
    expect(summary?.execution).toEqual({ concurrency: 2, engines: 1, threads: 1, share: 0.5 });
    expect(summary?.fastestPair).toEqual({
      problemId: "a",
      strategy: "greedy",
      latencySeconds: 1,
      idealizedSeconds: expect.closeTo(10.48, 9),
    });
    expect(summary?.rateScale).toBeCloseTo(10.48, 9);
    expect(summary?.machine?.flopsPerSecond).toBeCloseTo(10_480, 6);
    expect(summary?.machine?.bytesPerSecond).toBeCloseTo(10_480, 6);
    const [greedy, voted] = summary?.strategies ?? [];
    // The fastest pair's idealized time is its latency; its share of the engine (0.5 s) is raised to it.
    expect(greedy?.strategy).toBe("greedy");
    expect(greedy?.idealizedSecondsPerProblem).toBeCloseTo(1, 9);
    expect(greedy?.engineSecondsPerProblem).toBeCloseTo(1, 9);
    // Counting all 6 prompt tokens (the old way) would have given 21.632 s at the measured rates, above
    // the 20 s the pair took; the 3 evaluated give 14.768 s, then the raised rates 14.768 / 10.48.
    expect(voted?.flopsPerProblem).toBe(flops);
    expect(voted?.idealizedSecondsPerProblem).toBeCloseTo(14.768 / 10.48, 9);
    expect(voted?.latencySecondsPerProblem).toBe(20);
    // Two pairs in flight on one context: half of each latency, 10 W × 10 s; not 200 J.
    expect(voted?.engineSecondsPerProblem).toBe(10);
    expect(voted?.energyJoulesPerProblem).toBe(100);
    for (const cost of summary?.strategies ?? []) {
      expect(cost.idealizedSecondsPerProblem).toBeLessThanOrEqual(cost.latencySecondsPerProblem + 1e-12);
      expect(cost.idealizedEnergyJoulesPerProblem).toBeLessThanOrEqual(cost.energyJoulesPerProblem! + 1e-9);
    }
  });

  it("gives each pair an engine to itself when there were no more pairs in flight than contexts", () => {
    const base = run(true, true);
    const wide = (concurrency: number, contexts: number, threads: number) =>
      summarizeInferenceCost({
        ...base,
        manifest: {
          ...base.manifest,
          concurrency,
          backend: { ...base.manifest.backend, contexts, threads },
        },
      });
    expect(wide(1, 2, 1)?.execution.share).toBe(1);
    expect(wide(4, 2, 1)?.execution.share).toBe(0.5);
    // Half the 20 s latency is less than the work's idealized 14.768 s: the engine time is raised to it.
    expect(wide(4, 2, 1)?.strategies[0]?.engineSecondsPerProblem).toBeCloseTo(14.768, 9);
    // An engine of 2 threads draws 2 cores' power by default.
    expect(wide(2, 2, 2)?.power).toEqual(cpuPower({ cores: 2 }));
    expect(wide(2, 2, 2)?.strategies[0]?.energyJoulesPerProblem).toBe(400);
  });

  it("uses the highest of the recorded rates, JavaScript's and the engine's", () => {
    const base = run(true, true);
    // The engine computes twice as fast as than the JavaScript loop but its decoding reads memory slower.
    const engine = { flopsPerSecond: 2000, bytesPerSecond: 10, source: "llama.cpp" };
    const summary = summarizeInferenceCost({
      ...base,
      manifest: { ...base.manifest, machine: { ...base.manifest.machine, engine } },
    });
    expect(summary?.measuredRates).toEqual([machine, engine]);
    expect(summary?.machine).toEqual({
      flopsPerSecond: 2000,
      bytesPerSecond: 1000,
      source: "FLOP/s llama.cpp; bandwidth hand-made",
    });
    expect(summary?.ratesOrigin).toBe("run");
    // Still compute-bound at 2000 FLOP/s (and 1000 B/s): half the 14.768 s at 1000.
    expect(summary?.strategies[0]?.idealizedSecondsPerProblem).toBeCloseTo(14.768 / 2, 9);
  });

  it("uses the caller's rates for a run that recorded none, and the caller's power", () => {
    const summary = summarizeInferenceCost(run(true, false), {
      machine,
      power: { watts: 1, basis: "one watt" },
    });
    expect(summary?.ratesOrigin).toBe("caller");
    expect(summary?.measuredRates).toEqual([machine]);
    expect(summary?.strategies[0]?.energyJoulesPerProblem).toBe(20);
  });

  it("over HTTP, leaves out the idealized time and energy: the recorded rates and cores are the client's", () => {
    const local = run(true, true);
    const served: RunData = {
      ...local,
      manifest: {
        ...local.manifest,
        concurrency: 4,
        backend: { ...local.manifest.backend, kind: "openai-compatible", baseUrl: "http://gpu-box:8080/v1" },
      },
    };
    // The caller's rates (measured where the report is built) are no better than the recorded ones.
    const summary = summarizeInferenceCost(served, { machine });
    expect(summary?.server).toBe("http://gpu-box:8080/v1");
    expect(summary?.machine).toBeUndefined();
    expect(summary?.measuredRates).toEqual([]);
    expect(summary?.ratesOrigin).toBeUndefined();
    expect(summary?.power).toBeUndefined();
    // One server, four pairs in flight on it.
    expect(summary?.execution).toEqual({ concurrency: 4, engines: 1, threads: undefined, share: 0.25 });
    // FLOPs, latency and engine time depend on the model and the clock alone: kept.
    expect(summary?.strategies).toEqual([
      {
        strategy: "sc@2",
        problems: 1,
        flopsPerProblem: flops,
        idealizedSecondsPerProblem: undefined,
        latencySecondsPerProblem: 20,
        engineSecondsPerProblem: 5,
        idealizedToEngine: undefined,
        energyJoulesPerProblem: undefined,
        idealizedEnergyJoulesPerProblem: undefined,
      },
    ]);
    // Without recorded rates or a shape, the same.
    expect(
      summarizeInferenceCost({
        ...served,
        manifest: { ...served.manifest, machine: run(true, false).manifest.machine },
      })?.strategies[0]?.flopsPerProblem,
    ).toBe(flops);
    expect(
      summarizeInferenceCost({
        ...served,
        manifest: {
          ...served.manifest,
          backend: { kind: "openai-compatible", model: "m", baseUrl: "http://gpu-box:8080/v1" },
        },
      }),
    ).toBeUndefined();
  });

  it("over HTTP, estimates from the rates and power the user states for the server", () => {
    const local = run(true, true);
    const served: RunData = {
      ...local,
      manifest: {
        ...local.manifest,
        backend: { ...local.manifest.backend, baseUrl: "http://gpu-box:8080/v1" },
      },
    };
    const server = { flopsPerSecond: 2000, bytesPerSecond: 2000, source: "stated" };
    const summary = summarizeInferenceCost(served, {
      rates: server,
      power: { watts: 700, basis: "a GPU's TDP" },
    });
    expect(summary?.machine).toEqual(server);
    expect(summary?.ratesOrigin).toBe("stated");
    const [cost] = summary?.strategies ?? [];
    // Compute-bound at 2000 FLOP/s: half the 14.768 s at 1000; 700 W over the 20 s (concurrency unknown).
    expect(cost?.idealizedSecondsPerProblem).toBeCloseTo(14.768 / 2, 9);
    expect(cost?.energyJoulesPerProblem).toBe(14_000);
    expect(cost?.idealizedEnergyJoulesPerProblem).toBeCloseTo(700 * 7.384, 6);
    // Rates without a power: the idealized time, but no energy.
    const ratesOnly = summarizeInferenceCost(served, { rates: server });
    expect(ratesOnly?.strategies[0]?.idealizedSecondsPerProblem).toBeCloseTo(7.384, 9);
    expect(ratesOnly?.strategies[0]?.energyJoulesPerProblem).toBeUndefined();
  });

  it("lets stated rates replace the recorded ones of a run on this machine", () => {
    const stated = { flopsPerSecond: 4000, bytesPerSecond: 4000 };
    const summary = summarizeInferenceCost(run(true, true), { rates: stated });
    expect(summary?.ratesOrigin).toBe("stated");
    expect(summary?.measuredRates).toEqual([stated]);
    expect(summary?.strategies[0]?.idealizedSecondsPerProblem).toBeCloseTo(14.768 / 4, 9);
    expect(summary?.power).toEqual(cpuPower());
  });

  it("is unknown without the model's shape or the machine's rates", () => {
    expect(summarizeInferenceCost(run(false, true))).toBeUndefined();
    expect(summarizeInferenceCost(run(true, false))).toBeUndefined();
    expect(summarizeInferenceCost(syntheticRun({ seed: 1 }), { machine })).toBeUndefined();
  });
});
