import { describe, expect, it } from "vitest";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);

/** `mull solve` on lab-small, two samples. */
function solveOnLab(...flags: string[]) {
  return runCliCaptured(
    "solve",
    "412+307-95=?",
    "--model",
    "lab-small",
    "--n",
    "2",
    "--threads",
    "1",
    ...flags,
  );
}

describe.skipIf(!lab.present)("mull solve --prompt-template on a model without a chat template", () => {
  it("refuses a chat template before any sample, naming --prompt-template and the remedy (exit 2)", async () => {
    const refused = await solveOnLab("--prompt-template", "gsm8k", "--json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "mull: --prompt-template gsm8k writes chat prompts, which the llama-cpp backend (model lab-small) cannot take: " +
        "it has no chat template; add --endpoint completions for text prompts, or give a text template such as lab\n",
    );
    // No answer: the refusal came before the strategy drew a sample.
    expect(refused.stdout).toBe("");
  }, 60_000);

  it("answers with a text template, and with the chat template rendered for completions", async () => {
    for (const flags of [
      ["--prompt-template", "lab"],
      ["--prompt-template", "gsm8k", "--endpoint", "completions"],
    ]) {
      const answered = await solveOnLab(...flags, "--json");
      expect(answered.code, answered.stderr).toBe(0);
      const output = JSON.parse(answered.stdout) as { strategy: string; candidates: unknown[] };
      expect(output.strategy).toBe("sc@2");
      expect(output.candidates).toHaveLength(2);
    }
  }, 120_000);
});
