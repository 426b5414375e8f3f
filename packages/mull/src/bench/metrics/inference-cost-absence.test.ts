import { describe, expect, it } from "vitest";
import { syntheticRun } from "../../testing/synthetic-run.ts";
import type { ProblemResult, RunData } from "../run-data.ts";
import { inferenceCostAbsence } from "./inference-cost-absence.ts";

const architecture = { parameters: 1000, layers: 2, embedding: 8 };
const machine = { flopsPerSecond: 1000, bytesPerSecond: 1000, source: "hand-made" };

function runWith(
  backend: Partial<RunData["manifest"]["backend"]>,
  rates: boolean,
  results?: (result: ProblemResult) => ProblemResult,
): RunData {
  const base = syntheticRun({ seed: 2, problems: 3 });
  return {
    ...base,
    manifest: {
      ...base.manifest,
      backend: { ...base.manifest.backend, ...backend },
      machine: { ...base.manifest.machine, ...(rates ? { performance: machine } : {}) },
    },
    results: results === undefined ? base.results : base.results.map(results),
  };
}

describe("inferenceCostAbsence", () => {
  it("is undefined for a run with a shape, rates and counted results", () => {
    expect(inferenceCostAbsence(runWith({ architecture }, true))).toBeUndefined();
  });

  it("names the missing shape, and that a server does not say it, for a run over HTTP", () => {
    const served = inferenceCostAbsence(
      runWith({ baseUrl: "http://gpu:8080/v1", architecture: undefined }, false),
    );
    expect(served).toEqual({
      missing: "shape",
      reason:
        "the run's manifest records no model shape (an HTTP backend knows it only when given one: its server does not say the model's layers)",
    });
    expect(inferenceCostAbsence(runWith({ architecture: undefined }, true))?.reason).toContain(
      "its backend did not describe it",
    );
  });

  it("names missing rates of a run on this machine, and results without token counts", () => {
    expect(inferenceCostAbsence(runWith({ architecture }, false))?.missing).toBe("rates");
    expect(inferenceCostAbsence(runWith({ architecture }, false), { machine })).toBeUndefined();
    const uncounted = runWith({ architecture }, true, (result) => ({ ...result, promptTokens: undefined }));
    expect(inferenceCostAbsence(uncounted)).toEqual({
      missing: "results",
      reason: "no result records both its prompt and its completion tokens",
    });
  });
});
