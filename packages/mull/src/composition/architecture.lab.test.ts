import { existsSync } from "node:fs";
import path from "node:path";
import { createLlamaCppBackend, type LlamaCppBackend, labModelsDirectory } from "@mull/llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkLabSteps, labDataset, labProcessReward } from "../lab/index.ts";
import { solve } from "../solve.ts";
import { usageByModel } from "../trace/index.ts";
import { architecture } from "./architecture.ts";

const present = ["lab-v2-small", "lab-v2-large"].every((name) =>
  existsSync(path.join(labModelsDirectory, `${name}.gguf`)),
);
if (!present) {
  process.stderr.write(
    `architecture lab tests skipped: lab-v2-small and lab-v2-large are not both in ${labModelsDirectory}\n`,
  );
}

describe.skipIf(!present)("architectures on the real lab models", () => {
  let small: LlamaCppBackend;
  let large: LlamaCppBackend;
  const problems = labDataset("lab:hard", { limit: 8, seed: 21 });

  beforeAll(async () => {
    small = await createLlamaCppBackend({ model: "lab-v2-small", threads: 1 });
    large = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1 });
  });

  afterAll(async () => {
    await small?.dispose();
    await large?.dispose();
  });

  it("a step-test layer with the exact step checker answers with a sample whose every step is right, whenever one was drawn", async () => {
    let tested = 0;
    for (const [index, problem] of problems.entries()) {
      const result = await solve({
        problem,
        strategy: architecture({ layers: "gen@6+test+first", prm: labProcessReward() }),
        backend: large,
        seed: index,
        sampling: { temperature: 1 },
      });
      const sound = result.candidates.filter((candidate) =>
        checkLabSteps(problem, candidate.text).every(Boolean),
      );
      if (sound.length === 0) continue;
      tested += 1;
      expect(checkLabSteps(problem, result.best!.text).every(Boolean), result.best!.text).toBe(true);
      expect(result.answer).toBe(problem.gold);
    }
    // The large model slips on hard chains, but draws a sound solution for most of them.
    expect(tested).toBeGreaterThan(3);
  }, 120_000);

  it("an ensemble layer per model writes each model's samples, with usage by model", async () => {
    const problem = problems[0]!;
    const result = await solve({
      problem,
      strategy: architecture({
        layers: "gen@3(lab-v2-small)+gen@2(lab-v2-large)+vote",
        models: [
          { name: "lab-v2-small", backend: small },
          { name: "lab-v2-large", backend: large },
        ],
      }),
      backend: large,
      seed: 4,
    });
    expect(result.candidates.map((candidate) => candidate.model)).toEqual([
      "lab-v2-small",
      "lab-v2-small",
      "lab-v2-small",
      "lab-v2-large",
      "lab-v2-large",
    ]);
    const byModel = usageByModel(result.trace);
    expect(Object.keys(byModel).sort()).toEqual(["lab-v2-large", "lab-v2-small"]);
    expect(byModel["lab-v2-small"]!.completionTokens).toBeGreaterThan(0);
  }, 120_000);
});
