import { existsSync } from "node:fs";
import path from "node:path";
import { cascade, solve, usageByModel } from "mull";
import { labDataset, labProfile } from "mull/lab";
import { describe, expect, it } from "vitest";
import { createLlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";

const files = ["lab-small", "lab-large"].map((name) => path.join(labModelsDirectory, `${name}.gguf`));
const missing = files.filter((file) => !existsSync(file));
if (missing.length > 0) {
  process.stderr.write(`cascade lab test skipped: no lab model at ${missing.join(", ")}\n`);
}

describe.skipIf(missing.length > 0)("a cascade between the real lab models", () => {
  it("answers with lab-small when it agrees and escalates to lab-large when it splits", async () => {
    await using small = await createLlamaCppBackend({ model: "lab-small", threads: 1 });
    await using large = await createLlamaCppBackend({ model: "lab-large", threads: 1 });
    const models = [
      { name: "lab-small", backend: small },
      { name: "lab-large", backend: large },
    ];
    const profile = labProfile({ recommendedTemperature: 1.25 });
    const escalations = [];
    for (const problem of labDataset("lab:6", { limit: 4, seed: 3 })) {
      for (const threshold of [0, 1]) {
        const result = await solve({
          problem,
          strategy: cascade({ models, small: 4, threshold }),
          backend: small,
          sampling: profile.samplingDefaults,
          seed: 5,
        });
        const byModel = usageByModel(result.trace);
        const escalated = result.trace.some(
          (event) => event.type === "note" && event.message.includes("escalating to lab-large"),
        );
        // A threshold of 0 never escalates; the large model then writes nothing.
        if (threshold === 0) expect(Object.keys(byModel)).toEqual(["lab-small"]);
        else escalations.push(escalated);
        if (escalated) {
          expect(byModel["lab-large"]?.completionTokens).toBeGreaterThan(0);
          expect(result.candidates).toHaveLength(8);
        }
        expect(result.usage.completionTokens).toBe(
          (byModel["lab-small"]?.completionTokens ?? 0) + (byModel["lab-large"]?.completionTokens ?? 0),
        );
      }
    }
    // At temperature 1.25 the small model's four samples split on some of four level-6 problems.
    expect(escalations).toContain(true);
  });
});
