import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinPromptTemplate } from "../../prompts/index.ts";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { startServeProcess } from "./serve-process.test-support.ts";

const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);
const labSmall = fileURLToPath(new URL("../../../../llama-cpp/models/lab-small.gguf", import.meta.url));

let directory: string;
/** A lab model's file under a name that says nothing (its tokenizer is the lab's). */
let renamed: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "mull-serve-lab-file-endpoint-"));
  renamed = path.join(directory, "trained.gguf");
  await copyFile(labSmall, renamed);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

interface Answer {
  readonly usage?: { readonly prompt_tokens: number };
}

/** POSTs `body` to `route` of the server at `url`, expecting 200. */
async function post(url: string, route: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${url}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Answer;
  expect(response.status, JSON.stringify(answer)).toBe(200);
  return answer;
}

describe.skipIf(!lab.present)("mull serve --endpoint on a lab model's file not named lab-….gguf", () => {
  it("renders chat requests with the lab's template, as it does for a lab-….gguf file", async () => {
    const served = await startServeProcess([
      "--model",
      renamed,
      "--threads",
      "1",
      "--endpoint",
      "completions",
    ]);
    try {
      const question = "37+48-19=?";
      const chat = await post(served.url, "/v1/chat/completions", {
        model: renamed,
        messages: [{ role: "user", content: question }],
        max_tokens: 1,
      });
      // The lab's prompt for the question, sent as it is: the prompt a chat request must be rendered to.
      const labPrompt = builtinPromptTemplate("lab")?.render({ question });
      if (labPrompt?.kind !== "text") throw new Error("the lab's template renders no text prompt");
      const text = await post(served.url, "/v1/completions", {
        model: renamed,
        prompt: labPrompt.text,
        max_tokens: 1,
      });
      // The default chat template would make it 114 tokens of the lab's tokenizer.
      expect(chat.usage?.prompt_tokens).toBeLessThan(30);
      expect(chat.usage?.prompt_tokens).toBe(text.usage?.prompt_tokens);
    } finally {
      await served.stop();
    }
  }, 120_000);
});
