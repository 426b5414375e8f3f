import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "../../errors/index.ts";
import { manualClock } from "../../runtime/index.ts";
import {
  stabilityScore,
  tokenInstability,
  traceConfidence,
  traceSelfCertainty,
} from "../../scoring/index.ts";
import { solve } from "../../solve.ts";
import type { Backend, TokenLogprob } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { answerFormatGrader } from "../graders/index.ts";
import { loadRun } from "../store/index.ts";
import { runBench } from "./run-bench.ts";
import { traceScoreRecorder } from "./trace-score-recorder.ts";

/** A token whose own log-probability is `logprob`, with two alternatives `gap` and `2 · gap` below it. */
function token(text: string, logprob: number, gap = 3): TokenLogprob {
  return {
    token: text,
    logprob,
    topLogprobs: [
      { token: text, logprob },
      { token: `${text}'`, logprob: logprob - gap },
      { token: `${text}"`, logprob: logprob - 2 * gap },
    ],
  };
}

const steady = [token("1+1", -0.1), token("=2", -0.1), token("\n#### 2", -0.05)];
// Near-even alternatives at the second token: a high-entropy step.
const shaky = [token("1+1", -0.1), token("=3", -1.1, 0.2), token("\n#### 3", -0.9)];

describe("traceScoreRecorder", () => {
  const backend = createScriptedBackend({
    responses: [
      { text: "1+1=2\n#### 2", tokens: steady },
      { text: "1+1=3\n#### 3", tokens: shaky },
    ],
    capabilities: { maxTopLogprobs: 20 },
  });

  it("notes stability, DeepConf confidence and self-certainty of completions sampled with alternatives", async () => {
    const recorder = traceScoreRecorder(backend);
    const prompt = { kind: "text" as const, text: "1+1=" };
    await recorder.backend.generate({ prompt, n: 2, logprobs: true, topLogprobs: 3 });
    for (const [text, tokens] of [
      ["1+1=2\n#### 2", steady],
      ["1+1=3\n#### 3", shaky],
    ] as const) {
      expect(recorder.scoresOf(text)).toEqual({
        stability: stabilityScore({ topLogprobs: 3 })(tokens)!.value,
        "stability:peak-position": tokenInstability(tokens, { k: 3 })!.peakPosition,
        "deepconf:lowest-group": traceConfidence(tokens, { k: 3 }),
        "self-certainty": traceSelfCertainty(tokens, { k: 3 }),
      });
    }
    // The shaky trace peaks at its near-even second token, two thirds of the way in (late).
    expect(recorder.scoresOf("1+1=3\n#### 3")!["stability:peak-position"]).toBeGreaterThanOrEqual(0.5);
    // The shaky trace's peak instability is higher, so its stability is lower.
    expect(recorder.scoresOf("1+1=3\n#### 3")!.stability).toBeLessThan(
      recorder.scoresOf("1+1=2\n#### 2")!.stability!,
    );
    expect(recorder.scoresOf("never sampled")).toBeUndefined();
    expect(recorder.backend.describe()).toEqual(backend.describe());
  });

  it("notes nothing for a completion its strategy cut short, whose tokens end where the cut chose", async () => {
    const recorder = traceScoreRecorder(
      createScriptedBackend({
        responses: [
          { text: "1+1=3", tokens: shaky.slice(0, 2), finishReason: "cut" },
          { text: "1+1=2\n#### 2", tokens: steady },
        ],
        capabilities: { maxTopLogprobs: 20 },
      }),
    );
    await recorder.backend.generate({ prompt: { kind: "text", text: "1+1=" }, n: 2, topLogprobs: 3 });
    expect(recorder.scoresOf("1+1=3")).toBeUndefined();
    expect(recorder.scoresOf("1+1=2\n#### 2")?.stability).toBeGreaterThan(0);
  });

  it("notes nothing for completions sampled without top alternatives", async () => {
    const recorder = traceScoreRecorder(backend);
    await recorder.backend.generate({ prompt: { kind: "text", text: "1+1=" }, n: 2, logprobs: true });
    expect(recorder.scoresOf("1+1=2\n#### 2")).toBeUndefined();
  });

  it("keeps the backend's optional methods: a prompt it counts past the token budget stops the run", async () => {
    const scripted = createScriptedBackend({ responses: ["#### 4"] });
    let disposed = false;
    // Counts the prompt at 400 tokens; estimated from its 11 characters instead, it would fit 300.
    const counting: Backend = {
      describe: () => scripted.describe(),
      capabilities: (options) => scripted.capabilities(options),
      generate: (request, options) => scripted.generate(request, options),
      countTokens: async () => 400,
      measureRates: async () => ({ flopsPerSecond: 1e9, bytesPerSecond: 1e8, source: "measured" }),
      dispose: async () => {
        disposed = true;
      },
    };
    const recorded = traceScoreRecorder(counting).backend;
    expect(await recorded.countTokens?.({ kind: "text", text: "2+2=" })).toBe(400);
    expect((await recorded.measureRates?.())?.source).toBe("measured");
    expect("dispose" in recorded).toBe(false);
    const run = (backend: Backend) =>
      solve({
        problem: { question: "2+2=?", prompt: { kind: "text", text: "Q: 2+2=? A:" } },
        strategy: "sc@4",
        backend,
        budget: { maxTotalTokens: 300 },
      }).then(
        (result) => result,
        (thrown: unknown) => thrown,
      );
    const direct = await run(counting);
    const throughRecorder = await run(recorded);
    expect(BudgetExhaustedError.isInstance(direct)).toBe(true);
    expect(BudgetExhaustedError.isInstance(throughRecorder)).toBe(true);
    expect((throughRecorder as BudgetExhaustedError).reason).toBe("tokens");
    expect(scripted.calls).toEqual([]);
    expect(disposed).toBe(false);
  });

  it("lets a bench run store the trace scores of strategies that sample with alternatives", async () => {
    const directory = mkdtempSync(join(tmpdir(), "mull-trace-scores-"));
    try {
      const run = await runBench({
        dataset: {
          name: "one",
          source: "memory",
          grader: "numeric",
          problems: [{ id: "p", question: "1+1=?", gold: "2" }],
        },
        strategies: ["sc@2", "deepconf@2"],
        backend: createScriptedBackend({
          responses: [
            { text: "1+1=2\n#### 2", tokens: steady },
            { text: "1+1=3\n#### 3", tokens: shaky },
          ],
          capabilities: { maxTopLogprobs: 20 },
        }),
        out: join(directory, "run"),
        grader: answerFormatGrader({
          name: "hash",
          extract: (text) => /####\s*(\d+)/.exec(text)?.[1],
          key: (answer) => answer,
          equivalent: (a, b) => a === b,
        }),
        seed: 1,
        clock: manualClock(),
      });
      const samples = (await loadRun(run.directory)).samples;
      expect(samples.filter((sample) => sample.strategy === "sc@2").map((sample) => sample.scores)).toEqual([
        undefined,
        undefined,
      ]);
      const scored = samples.filter((sample) => sample.strategy === "deepconf@2");
      expect(scored.map((sample) => Object.keys(sample.scores ?? {}).sort())).toEqual([
        ["deepconf:lowest-group", "self-certainty", "stability", "stability:peak-position"],
        ["deepconf:lowest-group", "self-certainty", "stability", "stability:peak-position"],
      ]);
      const wrong = scored.find((sample) => !sample.correct)!;
      expect(wrong.scores!.stability).toBeCloseTo(stabilityScore({ topLogprobs: 20 })(shaky)!.value, 12);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
