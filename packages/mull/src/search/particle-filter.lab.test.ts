import { existsSync } from "node:fs";
import path from "node:path";
import { createLlamaCppBackend, labModelsDirectory } from "@mull/llama-cpp";
import { describe, expect, it } from "vitest";
import { labDataset, labProcessReward } from "../lab/index.ts";
import { solve } from "../solve.ts";
import { particleFilter } from "./particle-filter.ts";

/** The shipped lab model to test with (`MULL_TEST_MODEL` overrides), or undefined before any is shipped. */
function labModel(): string | undefined {
  const candidates = [
    process.env.MULL_TEST_MODEL,
    path.join(labModelsDirectory, "lab-large.gguf"),
    path.join(labModelsDirectory, "lab-small.gguf"),
  ];
  return candidates.find((candidate) => candidate !== undefined && candidate !== "" && existsSync(candidate));
}

const model = labModel();
if (model === undefined) {
  process.stderr.write(
    `particle filtering lab test skipped: no lab model in ${labModelsDirectory} (set MULL_TEST_MODEL)\n`,
  );
}

describe.skipIf(model === undefined)("particle filtering on the real lab model", () => {
  it("with the exact step checker, solves lab:6 problems that greedy decoding gets wrong", async () => {
    const backend = await createLlamaCppBackend({ model: model!, threads: 1, sequences: 16 });
    try {
      const sampling = { temperature: 1, topK: 0, topP: 1 };
      // Greedy decoding over a few problems, to find the ones it misses.
      const problems = labDataset("lab:6", { limit: 24, seed: 7 });
      const missed = [];
      for (const problem of problems) {
        const greedy = await solve({ problem, strategy: "greedy", backend, sampling });
        if (greedy.answer !== problem.gold) missed.push(problem);
        if (missed.length === 3) break;
      }
      expect(missed.length).toBeGreaterThan(0);
      let solved = 0;
      for (const [index, problem] of missed.entries()) {
        const result = await solve({
          problem,
          strategy: particleFilter({ n: 16, prm: labProcessReward() }),
          backend,
          sampling,
          seed: index,
        });
        if (result.answer === problem.gold) solved += 1;
        // With the exact checker a complete answer is only ever picked when every step checks out.
        if (result.best?.scores[0]?.value === 1) expect(result.answer).toBe(problem.gold);
      }
      expect(solved).toBeGreaterThanOrEqual(1);
    } finally {
      await backend.dispose();
    }
  }, 300_000);
});
