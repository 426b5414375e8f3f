import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { startServeProcess } from "./serve-process.test-support.ts";

const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);
const labSmall = fileURLToPath(new URL("../../../../llama-cpp/models/lab-small.gguf", import.meta.url));

let directory: string;
/** A lab model's file under a name that says nothing (its tokenizer is the lab's). */
let renamed: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "mull-serve-lab-file-"));
  renamed = path.join(directory, "x.gguf");
  await copyFile(labSmall, renamed);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe.skipIf(!lab.present)("mull serve on a lab model's file not named lab-….gguf", () => {
  it("serves its chat requests in the lab's prompt format, knowing the model by its file", async () => {
    const served = await startServeProcess(["--model", renamed, "--threads", "1"]);
    try {
      const response = await fetch(`${served.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: renamed,
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
