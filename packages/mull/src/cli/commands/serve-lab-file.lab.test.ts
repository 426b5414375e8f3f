import { describe, expect, it } from "vitest";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { renamedLabModel } from "../renamed-lab-model.test-support.ts";
import { startServeProcess } from "./serve-process.test-support.ts";

const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);
const renamed = renamedLabModel("x.gguf");

describe.skipIf(!lab.present)("mull serve on a lab model's file not named lab-….gguf", () => {
  it("serves its chat requests in the lab's prompt format, knowing the model by its file", async () => {
    const served = await startServeProcess(["--model", renamed.path, "--threads", "1"]);
    try {
      const response = await fetch(`${served.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: renamed.path,
          messages: [{ role: "user", content: "412+307-95=?" }],
          max_tokens: 64,
        }),
      });
      const body = (await response.json()) as { choices?: { message: { content: string } }[] };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.choices?.[0]?.message.content).toMatch(/\d/);
    } finally {
      await served.stop();
    }
  }, 120_000);
});
