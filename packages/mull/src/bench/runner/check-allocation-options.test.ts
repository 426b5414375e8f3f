import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { sized } from "../../routing/sized-backend.test-support.ts";
import { manualClock } from "../../runtime/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { runBench } from "./run-bench.ts";
import { hashGrader, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-allocation-route-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** A bench of `strategy` over two models of known sizes, as the embedded engine describes the lab's. */
function benchOf(strategy: string) {
  const backends = {
    small: sized(createScriptedBackend({ respond: respondToSum, model: "small" }), 117_952),
    large: sized(createScriptedBackend({ respond: respondToSum, model: "large" }), 2_088_160),
  };
  const run = runBench({
    dataset: sumsDataset(4),
    strategies: [strategy],
    backend: backends.large,
    resolveModel: (name) => backends[name as keyof typeof backends],
    out: join(directory, "run"),
    grader: hashGrader,
    seed: 7,
    sampling: { temperature: 0.7, maxTokens: 64 },
    clock: manualClock(),
  });
  return { backends, run };
}

describe("checkAllocationOptions", () => {
  it("refuses a route whose probe model is known to be the larger, before any pair runs", async () => {
    const { backends, run } = benchOf("alloc@4p2:large>small");
    const error = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe("strategy");
    expect((error as ConfigError).message).toBe(
      'strategy: "alloc@4p2:large>small": route large>small puts large (2,088,160 parameters) before small ' +
        "(117,952 parameters); expected the smallest first (small>large)",
    );
    expect(backends.small.calls.length + backends.large.calls.length).toBe(0);
  });

  it("runs the same route smallest first", async () => {
    const { backends, run } = benchOf("alloc@4p2:small>large");
    expect(await run).toMatchObject({ total: 4, recorded: 4 });
    expect(backends.small.calls.length).toBe(4);
  });
});
