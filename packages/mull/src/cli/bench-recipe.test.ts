import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planBench } from "../bench/runner/index.ts";
import { benchOptionsFromRecipe, benchRecipe } from "./bench-recipe.ts";

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), "mull-recipe-"));
  mkdirSync(join(workspace, "data"));
  writeFileSync(
    join(workspace, "data", "sums.jsonl"),
    `${[1, 2, 3].map((index) => JSON.stringify({ id: `s${index}`, question: `What is ${index} plus 1?`, answer: String(index + 1) })).join("\n")}\n`,
  );
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe("benchRecipe", () => {
  it("keeps only the flags that determine results, as JSON, with the directory paths are relative to", () => {
    const flags = {
      dataset: "data/sums.jsonl",
      strategies: ["greedy", "sc@4"],
      seed: 3,
      baseUrl: "http://127.0.0.1:9/v1",
      model: "m",
      apiKeyEnv: "MY_KEY",
      temperature: 0.7,
      limit: undefined,
      out: "runs/x",
      concurrency: 8,
      queue: "redis://127.0.0.1:6379",
      wait: true,
      json: true,
      synchronous: "full",
    };
    expect(benchRecipe(flags, "/home/me")).toEqual({
      dataset: "data/sums.jsonl",
      strategies: ["greedy", "sc@4"],
      seed: 3,
      baseUrl: "http://127.0.0.1:9/v1",
      model: "m",
      apiKeyEnv: "MY_KEY",
      temperature: 0.7,
      workingDirectory: "/home/me",
    });
  });
});

describe("benchOptionsFromRecipe", () => {
  it("reads a relative dataset from the recipe's directory and names it as given, so the hash is the same anywhere", async () => {
    const recipe = benchRecipe(
      {
        dataset: "data/sums.jsonl",
        strategies: ["greedy"],
        seed: 1,
        baseUrl: "http://127.0.0.1:9/v1",
        model: "m",
      },
      workspace,
    );
    const here = await benchOptionsFromRecipe(recipe, { out: join(workspace, "run") });
    const elsewhere = await benchOptionsFromRecipe(
      { ...recipe },
      { out: join(workspace, "run"), concurrency: 4, resume: true },
    );
    try {
      expect(here.options.dataset.name).toBe("data/sums.jsonl");
      expect(here.options.dataset.problems.map((problem) => problem.id)).toEqual(["s1", "s2", "s3"]);
      expect(elsewhere.options).toMatchObject({ concurrency: 4, resume: true, seed: 1 });
      expect(planBench(elsewhere.options).hash).toBe(planBench(here.options).hash);
      const otherSeed = await benchOptionsFromRecipe({ ...recipe, seed: 2 }, { out: join(workspace, "run") });
      expect(planBench(otherSeed.options).hash).not.toBe(planBench(here.options).hash);
      await otherSeed.dispose();
    } finally {
      await here.dispose();
      await elsewhere.dispose();
    }
  });

  it("refuses flags that do not go together, naming the flag", async () => {
    await expect(
      benchOptionsFromRecipe(
        { dataset: "lab:1", strategies: ["greedy"], seed: 0, temperature: 0.5, temperatures: [0.2, 0.8] },
        { out: join(workspace, "run") },
      ),
    ).rejects.toThrow("give either --temperature or --temperatures, not both");
  });
});
