import { createLlamaCppBackend, type LlamaCppBackend } from "@mull/llama-cpp";
import { generateText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labModelsUnderTest } from "../../cli/lab-models-under-test.test-support.ts";
import { labProfile } from "../../lab/index.ts";
import { createMullProvider } from "./mull-provider.ts";

const lab = labModelsUnderTest(["lab-v2-large"]);
if (lab.missing !== undefined) console.log(lab.missing);

// 305+512=817, 817-178=639, 639+44=683.
const question = "305+512-178+44=?";

describe.skipIf(!lab.present)("createMullProvider on the embedded lab-v2-large (no chat template)", () => {
  let backend: LlamaCppBackend;

  beforeAll(async () => {
    backend = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1 });
  });

  afterAll(async () => {
    await backend?.dispose();
  });

  it("answers a chat with sc@4, bon@4 and pf@4 in the profile's Q: … A: format", async () => {
    expect((await backend.capabilities()).chat).toBe(false);
    const mull = createMullProvider({ backend, profile: labProfile(), seed: 1 });
    for (const strategy of ["sc@4", "bon@4", "pf@4"]) {
      const result = await generateText({
        model: mull(strategy),
        system: "Answer the question.",
        prompt: question,
        maxRetries: 0,
      });
      expect(result.response.modelId).toBe(`${strategy}:lab-v2-large`);
      expect(result.providerMetadata?.mull).toMatchObject({
        strategy,
        answer: "683",
        samples: 4,
        stoppedBy: "complete",
        partial: false,
      });
      expect(result.text).toMatch(/#### 683$/);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
    }
  });
});
