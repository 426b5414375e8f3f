import { describe, expect, it } from "vitest";
import { builtinPromptTemplate } from "../../prompts/index.ts";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { renamedLabModel } from "../renamed-lab-model.test-support.ts";
import { startServeProcess } from "./serve-process.test-support.ts";

const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);
const renamed = renamedLabModel("trained.gguf");

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
      renamed.path,
      "--threads",
      "1",
      "--endpoint",
      "completions",
    ]);
    try {
      const question = "37+48-19=?";
      const chat = await post(served.url, "/v1/chat/completions", {
        model: renamed.path,
        messages: [{ role: "user", content: question }],
        max_tokens: 1,
      });
      // The lab's prompt for the question, sent as it is: the prompt a chat request must be rendered to.
      const labPrompt = builtinPromptTemplate("lab")?.render({ question });
      if (labPrompt?.kind !== "text") throw new Error("the lab's template renders no text prompt");
      const text = await post(served.url, "/v1/completions", {
        model: renamed.path,
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
