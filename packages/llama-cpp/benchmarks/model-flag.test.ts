import path from "node:path";
import { ConfigError } from "mull/errors";
import { describe, expect, it } from "vitest";
import { labModelsDirectory } from "../src/index.ts";
import { checkModelFlag } from "./model-flag.ts";

/** The ConfigError `checkModelFlag` rejects with, as its field and message. */
async function refusal(flag: string, model: string): Promise<{ field: string | undefined; message: string }> {
  try {
    await checkModelFlag("bench:speculative", flag, model);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  throw new Error(`expected ${model} to be refused`);
}

describe("checkModelFlag", () => {
  it("names the flag, not the backend's `model`, for an unknown lab model name", async () => {
    const refused = await refusal("--draft", "nosuch");
    expect(refused.field).toBe("--draft");
    expect(refused.message).toMatch(
      /^bench:speculative: --draft: unknown model "nosuch": expected one of lab-v2-large, lab-v2-small, lab-large, lab-small/,
    );
  });

  it("refuses a .gguf path with no file", async () => {
    expect(await refusal("--model", "/no/such/model.gguf")).toEqual({
      field: "--model",
      message: "bench:speculative: --model: model file /no/such/model.gguf does not exist",
    });
  });

  it("returns the file of a lab model that is there (the lab models are committed)", async () => {
    await expect(checkModelFlag("bench:speculative", "--model", "lab-small")).resolves.toBe(
      path.join(labModelsDirectory, "lab-small.gguf"),
    );
  });
});
