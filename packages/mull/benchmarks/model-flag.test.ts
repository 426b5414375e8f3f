import path from "node:path";
import { labModelsDirectory } from "@mull/llama-cpp";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { checkModelFlag } from "./model-flag.ts";

/** The ConfigError `checkModelFlag` rejects with, as its field and message. */
async function refusal(flag: string, model: string): Promise<{ field: string | undefined; message: string }> {
  try {
    await checkModelFlag("bench:glimpse", flag, model);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  throw new Error(`expected ${model} to be refused`);
}

describe("checkModelFlag", () => {
  it("names the flag for an unknown lab model name, listing the lab's", async () => {
    const refused = await refusal("--small", "nosuch");
    expect(refused.field).toBe("--small");
    expect(refused.message).toMatch(
      /^bench:glimpse: --small: unknown model "nosuch": expected one of lab-v2-large, lab-v2-small, .*lab-small/,
    );
  });

  it("refuses a .gguf path with no file", async () => {
    expect(await refusal("--large", "/no/such/model.gguf")).toEqual({
      field: "--large",
      message: "bench:glimpse: --large: no model file at /no/such/model.gguf",
    });
  });

  it("returns the file of a lab model that is there (the lab models are committed)", async () => {
    await expect(checkModelFlag("bench:glimpse", "--small", "lab-v2-small")).resolves.toBe(
      path.join(labModelsDirectory, "lab-v2-small.gguf"),
    );
  });
});
