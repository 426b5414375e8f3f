import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { startServeProcess } from "./serve-process.test-support.ts";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../../../cli/bin/mull.js", import.meta.url));
const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);

/** `mull serve` run to its end (a refusal), with its exit code and standard error. */
async function serveToExit(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [bin, "serve", "--port", "0", ...args], {
      timeout: 90_000,
    });
    return { code: 0, stderr };
  } catch (error) {
    const failure = error as { code?: number; stderr?: string };
    return { code: failure.code ?? -1, stderr: failure.stderr ?? "" };
  }
}

describe.skipIf(!lab.present)("mull serve --prompt-template on a model without a chat template", () => {
  it("refuses a chat template at start-up, naming --prompt-template and the remedy, and never listens (exit 2)", async () => {
    const refused = await serveToExit([
      "--model",
      "lab-small",
      "--threads",
      "1",
      "--prompt-template",
      "gsm8k",
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "mull: --prompt-template gsm8k writes chat prompts, which the llama-cpp backend (model lab-small) cannot take: " +
        "it has no chat template; add --endpoint completions for text prompts, or give a text template such as lab",
    );
    expect(refused.stderr).not.toContain("listening");
  }, 100_000);

  it("serves chat requests rendered with a text template", async () => {
    const served = await startServeProcess([
      "--model",
      "lab-small",
      "--threads",
      "1",
      "--prompt-template",
      "lab",
    ]);
    try {
      const response = await fetch(`${served.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "lab-small",
          messages: [{ role: "user", content: "412+307-95=?" }],
          max_tokens: 64,
        }),
      });
      const body = (await response.json()) as { choices?: { message: { content: string } }[] };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.choices?.[0]?.message.content.length).toBeGreaterThan(0);
    } finally {
      await served.stop();
    }
  }, 120_000);
});
