import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { planBench } from "../../bench/runner/index.ts";
import type { Backend } from "../../spec/index.ts";
import { benchOptionsFromRecipe } from "../bench-recipe.ts";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const lab = labModelsUnderTest(["lab-small", "lab-large"]);
if (lab.missing !== undefined) console.log(lab.missing);

const folder = mkdtempSync(join(tmpdir(), "mull-bench-lab-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** `mull bench` on 3 lab problems with two strategies, two pairs in flight, on `lab-small`. */
function bench(out: string, ...flags: string[]) {
  return runCliCaptured(
    "bench",
    ...["--dataset", "lab:3", "--limit", "3", "--strategies", "greedy,sc@4", "--model", "lab-small"],
    ...["--threads", "1", "--temperature", "1.0", "--concurrency", "2", "--json", "--out", out],
    ...flags,
  );
}

/** What a run recorded, less what batching may move in its last bits (log-probabilities). */
function recorded(directory: string): unknown {
  const database = new DatabaseSync(join(directory, "bench.sqlite"), { readOnly: true });
  try {
    return {
      results: database
        .prepare(
          `SELECT problem_id, strategy, seed, answer, correct, samples, prompt_tokens, completion_tokens, calls,
             stopped_by FROM results ORDER BY problem_id, strategy`,
        )
        .all(),
      samples: database
        .prepare(
          `SELECT problem_id, strategy, sample_index, seed, text, answer, correct, completion_tokens, finish_reason
             FROM samples ORDER BY problem_id, strategy, sample_index`,
        )
        .all(),
    };
  } finally {
    database.close();
  }
}

/** The contexts an embedded backend was made with (`LlamaCppBackend.settings`). */
function contextsOf(backend: Backend): number | undefined {
  return (backend as Backend & { readonly settings?: { readonly contexts: number } }).settings?.contexts;
}

describe.skipIf(!lab.present)("mull bench --contexts on the embedded lab", () => {
  it("gives the same results with two contexts as with one, and resumes a run with other contexts", async () => {
    const one = await bench(join(folder, "one"), "--contexts", "1");
    expect(one.code, one.stderr).toBe(0);
    const two = await bench(join(folder, "two"), "--contexts", "2");
    expect(two.code, two.stderr).toBe(0);
    const summary = (run: { stdout: string }) =>
      JSON.parse(run.stdout) as { runId: string; pairs: { total: number }; strategies: unknown[] };
    expect(summary(two).pairs.total).toBe(6);
    expect(summary(two).strategies).toEqual(summary(one).strategies);
    expect(recorded(join(folder, "two"))).toEqual(recorded(join(folder, "one")));
    // Contexts change speed, not results: not part of the run's configuration, so not refused on resume.
    const resumed = await bench(join(folder, "two"), "--contexts", "1", "--resume");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(summary(resumed)).toMatchObject({ runId: summary(two).runId, pairs: { total: 6, recorded: 0 } });
  }, 120_000);

  it("makes the main model and the routed small model with --contexts, the configuration hash unchanged", async () => {
    const recipe = {
      dataset: "lab:3",
      limit: 3,
      strategies: ["greedy", "cascade@4"],
      model: "lab-large",
      smallModel: "lab-small",
      threads: 1,
      seed: 0,
    };
    const out = { out: join(folder, "routed") };
    const two = await benchOptionsFromRecipe({ ...recipe, contexts: 2 }, out);
    const one = await benchOptionsFromRecipe({ ...recipe, contexts: 1 }, out);
    try {
      expect(contextsOf(two.options.backend)).toBe(2);
      expect(contextsOf(two.options.resolveModel!("lab-small"))).toBe(2);
      expect(contextsOf(one.options.backend)).toBe(1);
      expect(contextsOf(one.options.resolveModel!("lab-small"))).toBe(1);
      expect(planBench(two.options).hash).toBe(planBench(one.options).hash);
    } finally {
      await two.dispose();
      await one.dispose();
    }
  }, 60_000);
});
