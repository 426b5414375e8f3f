import { describe, expect, it } from "vitest";
import { cpuPower } from "../../metrics/index.ts";
import { syntheticRun } from "../../testing/synthetic-run.ts";
import type { ProblemResult, RunData } from "../run-data.ts";
import { summarizeInferenceCost } from "./strategy-inference-cost.ts";

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

describe("summarizeInferenceCost", () => {
  it("computes FLOPs, roofline time and energy per problem from the recorded shape and rates", () => {
    const summary = summarizeInferenceCost(run(true, true));
    expect(summary?.ratesOrigin).toBe("run");
    expect(summary?.server).toBeUndefined();
    expect(summary?.omitted).toEqual(["cascade@2", "cascade@1"]);
    expect(summary?.power).toEqual(cpuPower());
    expect(summary?.strategies).toHaveLength(1);
    const [cost] = summary?.strategies ?? [];
    // Two calls of a 3-token prompt (6192 FLOPs each), two 2-token completions after it (4288 each).
    expect(cost?.strategy).toBe("sc@2");
    expect(cost?.problems).toBe(1);
    expect(cost?.flopsPerProblem).toBe(2 * 6192 + 2 * 4288);
    // Compute-bound at 1000 FLOP/s: 20.96 s against 20 s measured.
    expect(cost?.idealizedSecondsPerProblem).toBeCloseTo(20.96, 9);
    expect(cost?.measuredSecondsPerProblem).toBe(20);
    expect(cost?.idealizedToMeasured).toBeCloseTo(1.048, 9);
    expect(cost?.energyJoulesPerProblem).toBe(200);
    expect(cost?.idealizedEnergyJoulesPerProblem).toBeCloseTo(209.6, 9);
  });

  it("uses the highest of the recorded rates, JavaScript's and the engine's, so the roofline stays below", () => {
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
    // Still compute-bound at 2000 FLOP/s (and 1000 B/s): half the 20.96 s at 1000.
    expect(summary?.strategies[0]?.idealizedSecondsPerProblem).toBeCloseTo(20.96 / 2, 9);
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
    // FLOPs and measured time depend on the model and the clock alone: kept.
    expect(summary?.strategies).toEqual([
      {
        strategy: "sc@2",
        problems: 1,
        flopsPerProblem: 2 * 6192 + 2 * 4288,
        idealizedSecondsPerProblem: undefined,
        measuredSecondsPerProblem: 20,
        idealizedToMeasured: undefined,
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
    ).toBe(2 * 6192 + 2 * 4288);
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
    // Compute-bound at 2000 FLOP/s: half the 20.96 s at 1000; 700 W over the measured 20 s.
    expect(cost?.idealizedSecondsPerProblem).toBeCloseTo(20.96 / 2, 9);
    expect(cost?.energyJoulesPerProblem).toBe(14_000);
    expect(cost?.idealizedEnergyJoulesPerProblem).toBeCloseTo(700 * 10.48, 6);
    // Rates without a power: the idealized time, but no energy.
    const ratesOnly = summarizeInferenceCost(served, { rates: server });
    expect(ratesOnly?.strategies[0]?.idealizedSecondsPerProblem).toBeCloseTo(10.48, 9);
    expect(ratesOnly?.strategies[0]?.energyJoulesPerProblem).toBeUndefined();
  });

  it("lets stated rates replace the recorded ones of a run on this machine", () => {
    const stated = { flopsPerSecond: 4000, bytesPerSecond: 4000 };
    const summary = summarizeInferenceCost(run(true, true), { rates: stated });
    expect(summary?.ratesOrigin).toBe("stated");
    expect(summary?.measuredRates).toEqual([stated]);
    expect(summary?.strategies[0]?.idealizedSecondsPerProblem).toBeCloseTo(20.96 / 4, 9);
    expect(summary?.power).toEqual(cpuPower());
  });

  it("is unknown without the model's shape or the machine's rates", () => {
    expect(summarizeInferenceCost(run(false, true))).toBeUndefined();
    expect(summarizeInferenceCost(run(true, false))).toBeUndefined();
    expect(summarizeInferenceCost(syntheticRun({ seed: 1 }), { machine })).toBeUndefined();
  });
});
