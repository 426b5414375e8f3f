import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkFidelity, compareTeacherForced } from "mull";
import { labDataset, labPromptTemplate } from "mull/lab";
import { withForcedSampling } from "mull/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";

const modelFile = path.join(labModelsDirectory, "lab-large.gguf");
const hasModel = existsSync(modelFile);
if (!hasModel) process.stderr.write(`fidelity lab test skipped: no lab model at ${modelFile}\n`);

const training = path.join(labModelsDirectory, "..", "training");
const python = "/usr/bin/python3";
/** The variant files need Debian's python3 with torch; without it those cases skip with this message. */
function pythonTorch(): boolean {
  try {
    execFileSync(python, ["-c", "import torch, numpy"], { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    process.stderr.write(`fidelity lab test: F32/perturbed cases skipped: ${python} cannot import torch\n`);
    return false;
  }
}
const hasTorch = hasModel && pythonTorch();

const prompts = labDataset("lab:hard", { limit: 2, seed: 7 }).map((problem) => labPromptTemplate(problem));

describe.skipIf(!hasModel)("fidelity of the embedded lab-large", () => {
  let reference: LlamaCppBackend;
  let twin: LlamaCppBackend;
  beforeAll(async () => {
    reference = await createLlamaCppBackend({ model: "lab-large", threads: 1 });
    twin = await createLlamaCppBackend({ model: "lab-large", threads: 1 });
  });
  afterAll(async () => {
    await reference?.dispose();
    await twin?.dispose();
  });

  it("finds an identical backend the same on every check across 10 seeds", async () => {
    let expected = 0;
    let observed = 0;
    for (let seed = 0; seed < 10; seed += 1) {
      const report = await checkFidelity({
        reference,
        candidate: twin,
        prompts,
        samples: 16,
        maxTokens: 32,
        seed,
      });
      expect(report.checks.map((check) => [check.name, check.verdict])).toEqual([
        ["logprobs", "same"],
        ["greedy", "same"],
        ["sampling", "same"],
        ["divergence", "same"],
      ]);
      expect(report.checks[0]?.figures.maxAbsolute).toBe(0);
      // The same distributions under the same noise never draw different tokens.
      expect(report.checks[3]?.figures.mismatches).toBe(0);
      expect(Number(report.checks[3]?.figures.positions)).toBeGreaterThan(0);
      expected += Number(report.checks[2]?.figures["min-p 0.05 expected"]);
      observed += Number(report.checks[2]?.figures["min-p 0.05 observed"]);
    }
    // The tail counts are calibrated: a twin emits about as many tail tokens as the reference's mass says.
    expect(expected).toBeGreaterThan(50);
    expect(observed / expected).toBeGreaterThan(0.7);
    expect(observed / expected).toBeLessThan(1.4);
  }, 300_000);

  it("finds hidden top-k 40 / min-p 0.05 sampling truncated, and estimates the min-p cut", async () => {
    const truncating = withForcedSampling(reference, { topK: 40, minP: 0.05 });
    const report = await checkFidelity({
      reference,
      candidate: truncating,
      prompts,
      samples: 16,
      maxTokens: 32,
    });
    const [logprobs, greedy, sampling, divergence] = report.checks;
    expect(report.verdict).toBe("truncated");
    // Teacher-forced, the truncating copy reports the model's own distributions: no token would change.
    expect(divergence?.figures.mismatches).toBe(0);
    // The model is the same; only its sampling is cut.
    expect(logprobs?.verdict).toBe("same");
    expect(greedy?.verdict).toBe("same");
    expect(sampling?.verdict).toBe("truncated");
    expect(sampling?.figures.estimatedCut).toBe("min-p 0.05");
    expect(sampling?.figures["min-p 0.05 observed"]).toBe(0);
    expect(Number(sampling?.figures["min-p 0.05 expected"])).toBeGreaterThan(10);
  }, 120_000);

  describe.skipIf(!hasTorch)("against variant files of the same weights", () => {
    let folder: string;
    beforeAll(() => {
      folder = mkdtempSync(path.join(tmpdir(), "mull-fidelity-"));
    });
    afterAll(() => {
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    });
    const variant = (name: string, ...flags: string[]): string => {
      const output = path.join(folder, `${name}.gguf`);
      execFileSync(python, [path.join(training, "export_variant.py"), modelFile, output, ...flags], {
        cwd: training,
        env: { ...process.env, OMP_NUM_THREADS: "1" },
        timeout: 120_000,
      });
      return output;
    };

    it("finds an F32 export's logprobs different, its greedy tokens the same", async () => {
      await using candidate = await createLlamaCppBackend({ model: variant("f32", "--f32"), threads: 1 });
      const [logprobs, greedy, divergence] = await compareTeacherForced({
        reference,
        candidate,
        prompts,
        maxTokens: 48,
        topK: 5,
        tolerance: 1e-4,
      });
      expect(logprobs?.verdict).toBe("differs");
      expect(Number(logprobs?.figures.maxAbsolute)).toBeGreaterThan(1e-4);
      expect(Number(logprobs?.figures.maxAbsolute)).toBeLessThan(0.05);
      expect(greedy?.verdict).toBe("same");
      // Float noise of another export changes (almost) no sampled token under shared noise.
      expect(divergence?.verdict).toBe("same");
      expect(Number(divergence?.figures.meanTotalVariation)).toBeGreaterThan(0);
      expect(Number(divergence?.figures.meanTotalVariation)).toBeLessThan(2e-4);
    }, 120_000);

    it("finds a copy with 1% weight noise different, not truncated", async () => {
      const file = variant("noisy", "--noise", "0.01", "--seed", "1");
      await using candidate = await createLlamaCppBackend({ model: file, threads: 1 });
      const report = await checkFidelity({ reference, candidate, prompts, samples: 12, maxTokens: 32 });
      expect(report.verdict).toBe("differs");
      expect(report.checks[0]?.verdict).toBe("differs");
      expect(Number(report.checks[0]?.figures.maxAbsolute)).toBeGreaterThan(1e-2);
      expect(report.checks[2]?.verdict).toBe("same");
      // 1% weight noise changes sampled tokens under shared noise, well above an export's float noise.
      expect(report.checks[3]?.name).toBe("divergence");
      expect(report.checks[3]?.verdict).toBe("differs");
      expect(Number(report.checks[3]?.figures.meanTotalVariation)).toBeGreaterThan(5e-4);
      expect(Number(report.checks[3]?.figures.mismatches)).toBeGreaterThan(0);
    }, 120_000);
  });
});
