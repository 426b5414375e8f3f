import { existsSync } from "node:fs";
import path from "node:path";
import { parallelAdaptiveConsistency, solve } from "mull";
import { labDataset, labProfile } from "mull/lab";
import { describe, expect, it } from "vitest";
import { createLlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";

const file = path.join(labModelsDirectory, "lab-small.gguf");
const missing = !existsSync(file);
if (missing) process.stderr.write(`pasc lab test skipped: no lab model at ${file}\n`);

describe.skipIf(missing)("pasc on the embedded engine with fewer sequences than traces", () => {
  it("cuts the traces still waiting for a sequence at once, charged no tokens, and the rest as generated", async () => {
    await using backend = await createLlamaCppBackend({ model: "lab-small", threads: 1, sequences: 2 });
    const [problem] = labDataset("lab:6", { limit: 1, seed: 3 });
    const result = await solve({
      problem: problem!,
      // Greedy traces all agree: the vote is decided once four have finished.
      strategy: parallelAdaptiveConsistency({ n: 8, temperature: 0 }),
      backend,
      sampling: labProfile().samplingDefaults,
      seed: 5,
    });
    expect(result.stoppedBy).toBe("condition:adaptive-consistency");
    const finished = result.candidates.filter((candidate) => candidate.finishReason !== "cut");
    const cut = result.candidates.filter((candidate) => candidate.finishReason === "cut");
    expect(finished).toHaveLength(4);
    expect(cut).toHaveLength(4);
    // Four finished and two sequences: at least two traces were still queued for one at the decision.
    expect(cut.filter((candidate) => candidate.completionTokens === 0).length).toBeGreaterThanOrEqual(2);
    const tokens = result.candidates.reduce((sum, candidate) => sum + (candidate.completionTokens ?? 0), 0);
    expect(result.usage.completionTokens).toBe(tokens);
    expect(result.answer).toBe(finished[0]?.answer);
  });
});
