import { labModels } from "@mull/llama-cpp";
import { describe, expect, it } from "vitest";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

describe("mull models", () => {
  it("gives each model's size in MiB, as its bytes divided by 1,048,576", async () => {
    const run = await runCliCaptured("models");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    const models = await labModels();
    expect(lines).toHaveLength(models.length);
    for (const [index, model] of models.entries()) {
      const mebibytes = ((model.sizeBytes ?? 0) / 1_048_576).toFixed(2);
      expect(lines[index]).toMatch(new RegExp(`^${model.name} .* ${mebibytes.replace(".", "\\.")} MiB `));
    }
    // lab-v2-large is 4,190,880 bytes: 4.00 MiB (4.19 MB), never labelled "MB".
    expect(run.stdout).toMatch(/^lab-v2-large .* 4\.00 MiB /m);
    expect(run.stdout).not.toMatch(/\bMB\b/);
  });
});
