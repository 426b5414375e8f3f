import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { manualClock } from "../../runtime/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { planBench } from "./bench-plan.ts";
import { runBench } from "./run-bench.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { hashGrader, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-bench-plan-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function options(overrides: Partial<RunBenchOptions> = {}): RunBenchOptions {
  return {
    dataset: sumsDataset(2),
    strategies: ["greedy", "sc@4"],
    backend: createScriptedBackend({ respond: respondToSum }),
    out: join(directory, "run"),
    grader: hashGrader,
    sampling: { temperature: 0.7, maxTokens: 64 },
    clock: manualClock(),
    ...overrides,
  };
}

/** The ConfigError `work` throws. */
function refusal(work: () => unknown): ConfigError {
  let error: unknown;
  try {
    work();
  } catch (thrown) {
    error = thrown;
  }
  expect(ConfigError.isInstance(error)).toBe(true);
  return error as ConfigError;
}

describe("planBench: samples that would all be the same", () => {
  it("refuses a strategy of several samples at the run's temperature 0, naming --temperature", () => {
    const error = refusal(() => planBench(options({ sampling: { temperature: 0 } })));
    expect(error.field).toBe("--temperature");
    expect(error.message).toBe(
      "--temperature must be above 0 for strategy sc@4, got 0: it draws 4 samples, and at temperature 0 they would all be the same. Use a temperature above 0, or the greedy strategy",
    );
  });

  it("refuses a sweep's temperature 0, naming --temperatures, whatever the run's sampling says", () => {
    const error = refusal(() =>
      planBench(options({ strategies: ["greedy", "pasc@4"], temperatures: [0.5, 0] })),
    );
    expect(error.field).toBe("--temperatures");
    expect(error.message).toMatch(
      /^--temperatures must be above 0 for strategy pasc@4, got 0: it draws 4 samples/,
    );
  });

  it("refuses an allocation drawing several samples per problem at temperature 0, and plans one of one", () => {
    const error = refusal(() =>
      planBench(options({ strategies: ["alloc@4"], sampling: { temperature: 0 } })),
    );
    expect(error.field).toBe("--temperature");
    expect(error.message).toMatch(
      /^--temperature must be above 0 for strategy alloc@4, got 0: it draws 4 samples/,
    );
    const swept = refusal(() => planBench(options({ strategies: ["alloc@4"], temperatures: [0] })));
    expect(swept.field).toBe("--temperatures");
    expect(
      planBench(options({ strategies: ["alloc@1"], sampling: { temperature: 0 } })).strategies,
    ).toHaveLength(1);
  });

  it("plans greedy at 0, a sweep above 0 over a run at 0, and a run whose temperature is the default", () => {
    expect(
      planBench(options({ strategies: ["greedy"], sampling: { temperature: 0 } })).strategies,
    ).toHaveLength(1);
    const swept = planBench(options({ sampling: { temperature: 0 }, temperatures: [0.5, 1] }));
    expect(swept.strategies.map((strategy) => strategy.name)).toEqual(["greedy", "sc@4@t0.5", "sc@4@t1.0"]);
    expect(planBench(options({ sampling: undefined })).strategies).toHaveLength(2);
  });

  it("refuses in runBench before the run directory is created or any call is made", async () => {
    const backend = createScriptedBackend({ respond: respondToSum });
    const error = await runBench(options({ backend, sampling: { temperature: 0 } })).catch(
      (thrown: unknown) => thrown,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("--temperature");
    expect(existsSync(join(directory, "run"))).toBe(false);
    expect(backend.calls).toHaveLength(0);
  });
});
