import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import { manualClock } from "../../runtime/index.ts";
import type { Backend, GenerationRequest, GenerationResult, ThinkingCues } from "../../spec/index.ts";
import { createScriptedBackend, scriptedThinking } from "../../testing/index.ts";
import type { BenchDataset } from "../datasets/index.ts";
import { loadRun } from "../store/index.ts";
import { planBench } from "./bench-plan.ts";
import { BenchRunError } from "./bench-run-error.ts";
import { recordingStore } from "./recording-store.test-support.ts";
import { runBench } from "./run-bench.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { pairContext, runPair } from "./run-pair.ts";
import { isPairStrategy } from "./strategy-sweep.ts";
import { hashGrader, promptText, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-runpair-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const unavailable = () => new BackendCallError("upstream 503 after 3 retries", { status: 503 });

/**
 * A sums backend whose `failing`-th call (from 0) on the problem asking `question` throws a 503, once: a
 * transient fault that a rerun of the pair does not meet again.
 */
function flakyBackend(question: string, failing: number) {
  let calls = 0;
  return createScriptedBackend({
    respond: respondToSum,
    delayMilliseconds: 2,
    onCall: (request: GenerationRequest) => {
      if (!promptText(request).includes(question)) return;
      calls += 1;
      if (calls === failing + 1) throw unavailable();
    },
  });
}

function options(overrides: Partial<RunBenchOptions> = {}): RunBenchOptions {
  return {
    dataset: sumsDataset(3),
    strategies: ["pasc@4"],
    backend: createScriptedBackend({ respond: respondToSum }),
    out: join(directory, "run"),
    grader: hashGrader,
    seed: 7,
    sampling: { temperature: 0.7, maxTokens: 64 },
    clock: manualClock(),
    ...overrides,
  };
}

async function failureOf(run: Promise<unknown>): Promise<BenchRunError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!BenchRunError.isInstance(error)) throw new Error(`expected a BenchRunError, got ${String(error)}`);
  return error;
}

describe("runPair when some of a strategy's traces fail", () => {
  it("fails a pasc pair stopped by samples-lost like an sc pair whose call failed, and a resume retries it", async () => {
    const error = await failureOf(runBench(options({ backend: flakyBackend("What is 1+3?", 1) })));
    expect(error).toMatchObject({ problemId: "sum-1", strategy: "pasc@4" });
    expect(error.message).toBe(
      "problem sum-1, strategy pasc@4 failed: pasc@4: 1 of 4 traces failed (first: BackendCallError: " +
        "upstream 503 after 3 retries); a vote over the rest is not recorded, since it would depend on " +
        "which calls failed; pairs recorded so far are kept, continue with --resume",
    );
    const stored = await loadRun(join(directory, "run"));
    expect(stored.results.map((result) => result.problemId)).not.toContain("sum-1");
    expect(stored.samples.filter((sample) => sample.problemId === "sum-1")).toEqual([]);

    // The same fault fails sc@4's pair (one call for its four samples) with the same advice.
    const sc = await failureOf(
      runBench(
        options({
          strategies: ["sc@4"],
          out: join(directory, "sc"),
          backend: flakyBackend("What is 1+3?", 0),
        }),
      ),
    );
    expect(sc.message).toBe(
      "problem sum-1, strategy sc@4 failed: upstream 503 after 3 retries; pairs recorded so far are kept, " +
        "continue with --resume",
    );

    const resumed = await runBench(options({ resume: true }));
    expect(resumed).toMatchObject({ missing: 0, interrupted: false });
    const results = (await loadRun(join(directory, "run"))).results;
    expect(results.map((result) => result.problemId).sort()).toEqual(["sum-0", "sum-1", "sum-2"]);
    expect(results.find((result) => result.problemId === "sum-1")).toMatchObject({ samples: 4 });
    expect(results.map((result) => result.stoppedBy)).not.toContain("samples-lost");
  });

  it("fails an sc pair whose call came back with a sample lost, naming it as solve's note does", async () => {
    const scripted = createScriptedBackend({ respond: respondToSum });
    // The call on "What is 1+3?" returns three of its four samples and reports the fourth lost.
    const backend: Backend = {
      describe: () => scripted.describe(),
      capabilities: (options) => scripted.capabilities(options),
      async generate(request, options): Promise<GenerationResult> {
        const result = await scripted.generate(request, options);
        if (!promptText(request).includes("What is 1+3?")) return result;
        return {
          ...result,
          completions: result.completions.slice(1),
          lostSamples: { count: 1, firstError: new Error("stream cut") },
        };
      },
    };
    const error = await failureOf(runBench(options({ strategies: ["sc@4"], backend })));
    expect(error).toMatchObject({ problemId: "sum-1", strategy: "sc@4" });
    // The note of solve's watch, recognised: else the error would only say the run stopped by samples-lost.
    expect(error.message).toBe(
      "problem sum-1, strategy sc@4 failed: sc@4: 1 of 4 traces failed (first: Error: stream cut); a vote " +
        "over the rest is not recorded, since it would depend on which calls failed; pairs recorded so far " +
        "are kept, continue with --resume",
    );
  });

  it("fails a pair whose vote was decided after a trace failed: which traces voted was luck", async () => {
    // pasc@3f2 stops once two traces finished; the failed first one left the other two to decide.
    const error = await failureOf(
      runBench(options({ strategies: ["pasc@3f2"], backend: flakyBackend("What is 0+0?", 0) })),
    );
    expect(error).toMatchObject({ problemId: "sum-0", strategy: "pasc@3f2" });
    expect(error.message).toContain(
      "pasc@3f2: 1 of 3 traces failed (first: BackendCallError: upstream 503 after 3 retries);",
    );
    expect((await loadRun(join(directory, "run"))).results).toEqual([]);
  });

  it("fails a force@NxT pair that lost a trace", async () => {
    const thinkingCues: ThinkingCues = { answerCue: "\n#### ", continueCue: "\nWait" };
    let calls = 0;
    const backend = createScriptedBackend({
      respond: scriptedThinking({
        prompt: "Q: 12+30+5=? A:",
        traces: ["\na 12+30=42 42+5=47 #### 47", "\nb 12+30=42 42+5=46 #### 46"],
        answerCue: thinkingCues.answerCue,
        answer: () => "44",
      }),
      delayMilliseconds: 2,
      onCall: () => {
        calls += 1;
        if (calls === 2) throw unavailable();
      },
    });
    const dataset: BenchDataset = {
      name: "force",
      source: "memory",
      grader: "numeric",
      problems: [{ id: "p1", question: "12+30+5=?", gold: "47" }],
    };
    const error = await failureOf(
      runBench(
        options({
          dataset,
          strategies: ["force@3x100"],
          backend,
          thinkingCues,
          promptTemplate: () => ({ kind: "text", text: "Q: 12+30+5=? A:" }),
        }),
      ),
    );
    expect(error).toMatchObject({ problemId: "p1", strategy: "force@3x100" });
    expect(error.message).toContain("force@3x100: 1 of 3 traces failed (first: BackendCallError: ");
    expect((await loadRun(join(directory, "run"))).results).toEqual([]);
  });

  it("records nothing for such a pair and gives the context's retry advice (a queued run's)", async () => {
    const benchOptions = options({ backend: flakyBackend("What is 2+6?", 2) });
    const plan = planBench(benchOptions);
    const { store, recorded } = recordingStore();
    const context = {
      ...pairContext(benchOptions, plan, store, new AbortController().signal),
      resumeHint: "enqueue again to retry it",
    };
    const [strategy] = plan.strategies.filter(isPairStrategy);
    const problem = plan.problems[2]!;
    const outcome = await runPair(problem, strategy!, context);
    expect(outcome.kind).toBe("failed");
    expect(recorded).toEqual([]);
    if (outcome.kind !== "failed") return;
    expect(outcome.error.message).toMatch(
      /^problem sum-2, strategy pasc@4 failed: pasc@4: 1 of 4 traces failed .*; pairs recorded so far are kept, enqueue again to retry it$/,
    );
    // The same pair on a healthy backend is recorded, its vote over every trace.
    const again = await runPair(problem, strategy!, context);
    expect(again).toMatchObject({ kind: "recorded", record: { problemId: "sum-2", samples: 4 } });
    expect(recorded).toHaveLength(1);
  });
});
