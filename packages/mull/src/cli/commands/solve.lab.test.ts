import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { checkLabSteps } from "../../lab/index.ts";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../../../cli/bin/mull.js", import.meta.url));
const lab = labModelsUnderTest(["lab-large"]);
if (lab.missing !== undefined) console.log(lab.missing);
const question = "539-467+192+679-89-336+144=?";

async function mull(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}

interface SolveOutput {
  answer: string | null;
  strategy: string;
  candidates: { text: string; answer: string | null; scores: { scorer: string; steps?: number[] }[] }[];
  usage: { completionTokens: number; scoreCalls: number };
}

describe.skipIf(!lab.present)("mull solve: step-level search on the embedded lab", () => {
  it("runs pf@4 with the exact step checker by default, scoring every step", async () => {
    const result = await mull(["solve", question, "--strategy", "pf@4", "--threads", "1", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as SolveOutput;
    expect(output.strategy).toBe("pf@4");
    expect(output.candidates).toHaveLength(4);
    expect(output.usage.completionTokens).toBeGreaterThan(0);
    // Every invocation of the exact checker is a scorer call, though it asks no model.
    expect(output.usage.scoreCalls).toBeGreaterThan(0);
    for (const candidate of output.candidates) {
      const score = candidate.scores.find((entry) => entry.scorer === "lab-step-checker");
      // The per-step rewards are the exact checker's verdicts on this candidate's own lines.
      const lines = candidate.text.split("\n").filter((line) => line.trim() !== "");
      const verdicts = checkLabSteps({ question }, lines).map((correct) => (correct ? 1 : 0));
      expect(score?.steps?.length).toBeGreaterThan(0);
      expect(score?.steps).toEqual(verdicts.slice(0, score?.steps?.length));
    }
  }, 150_000);

  it("takes the reward model from --prm and refuses one that cannot check the problems", async () => {
    const noisy = await mull([
      "solve",
      question,
      "--strategy",
      "astar@2",
      "--prm",
      "noisy:0.2,0.1",
      "--threads",
      "1",
      "--json",
    ]);
    expect(noisy.code).toBe(0);
    const output = JSON.parse(noisy.stdout) as SolveOutput;
    expect(output.strategy).toBe("astar@2");
    const scorers = new Set(output.candidates.flatMap((candidate) => candidate.scores.map((s) => s.scorer)));
    // Each step scored by the noisy PRM; complete solutions also ranked by their mean step reward.
    expect([...scorers].sort()).toEqual([
      "noisy(lab-step-checker,fp=0.2,fn=0.1)",
      "noisy(lab-step-checker,fp=0.2,fn=0.1):mean",
    ]);

    const bad = await mull(["solve", question, "--strategy", "pf@4", "--prm", "noisy:2,0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--prm "noisy:2,0": the false-positive rate must be a number from 0 to 1');
  }, 150_000);
});
