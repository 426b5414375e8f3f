import { existsSync } from "node:fs";
import path from "node:path";
import { checkLabSteps, extractLabAnswer, labDataset, labPromptTemplate, labSolutionPath } from "mull/lab";
import type { Completion } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";

const family = ["lab-v2-small", "lab-v2-large", "lab-large"];
const present = family.every((name) => existsSync(path.join(labModelsDirectory, `${name}.gguf`)));
if (!present) {
  process.stderr.write(
    `lab family v2 tests skipped: ${family.join(", ")} are not all in ${labModelsDirectory}\n`,
  );
}

/** The properties the second lab family was trained for, measured on the shipped files. */
describe.skipIf(!present)("the second lab family (lab-v2-small, lab-v2-large)", () => {
  let large: LlamaCppBackend;
  let firstLarge: LlamaCppBackend;

  beforeAll(async () => {
    large = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1, sequences: 8 });
    firstLarge = await createLlamaCppBackend({ model: "lab-large", threads: 1, sequences: 8 });
  });

  afterAll(async () => {
    await large?.dispose();
    await firstLarge?.dispose();
  });

  async function greedyTexts(backend: LlamaCppBackend, dataset: string, limit: number): Promise<string[]> {
    const problems = labDataset(dataset, { limit, seed: 5 });
    const texts: string[] = [];
    for (const problem of problems) {
      const result = await backend.generate({
        prompt: labPromptTemplate(problem),
        temperature: 0,
        maxTokens: 160,
      });
      texts.push(result.completions[0]?.text ?? "");
    }
    return texts;
  }

  it("answers a 2-digit chain greedily, step by step", async () => {
    const problem = { question: "37+48-19=?", prompt: { kind: "text", text: "Q: 37+48-19=? A:" } } as const;
    const result = await large.generate({ prompt: problem.prompt, temperature: 0, maxTokens: 60 });
    const text = result.completions[0]?.text ?? "";
    expect(extractLabAnswer(text)).toBe("66");
    expect(checkLabSteps(problem, text).every(Boolean)).toBe(true);
  }, 60_000);

  it("does better than the first lab-large on chains of 2-digit operands", async () => {
    const limit = 36;
    const problems = labDataset("lab:two-digit", { limit, seed: 5 });
    const right = (texts: readonly string[]) =>
      texts.filter((text, index) => extractLabAnswer(text) === problems[index]?.gold).length;
    const second = right(await greedyTexts(large, "lab:two-digit", limit));
    const first = right(await greedyTexts(firstLarge, "lab:two-digit", limit));
    expect(second).toBeGreaterThan(first + limit / 6);
  }, 120_000);

  it("samples both solution paths, and the checker accepts right solutions on either", async () => {
    const problems = labDataset("lab:4", { limit: 6, seed: 8 });
    const samples: { problem: (typeof problems)[number]; completion: Completion }[] = [];
    for (const [index, problem] of problems.entries()) {
      const result = await large.generate({
        prompt: labPromptTemplate(problem),
        n: 8,
        temperature: 1,
        topK: 0,
        topP: 1,
        minP: 0,
        seed: 100 + index,
        maxTokens: 160,
      });
      for (const completion of result.completions) samples.push({ problem, completion });
    }
    const pathOf = (sample: (typeof samples)[number]) =>
      labSolutionPath(sample.problem, sample.completion.text);
    const grouped = samples.filter((sample) => pathOf(sample) === "grouped");
    const leftToRight = samples.filter((sample) => pathOf(sample) === "left-to-right");
    expect(grouped.length).toBeGreaterThan(samples.length / 10);
    expect(leftToRight.length).toBeGreaterThan(samples.length / 10);
    // Right answers reached along the grouped path pass every step of the exact checker (all but a rare
    // answer reached through two slips that cancel).
    const rightGrouped = grouped.filter(
      (sample) => extractLabAnswer(sample.completion.text) === sample.problem.gold,
    );
    const checked = rightGrouped.filter((sample) =>
      checkLabSteps(sample.problem, sample.completion.text).every(Boolean),
    );
    expect(rightGrouped.length).toBeGreaterThan(0);
    expect(checked.length).toBeGreaterThanOrEqual(0.8 * rightGrouped.length);
  }, 120_000);
});
