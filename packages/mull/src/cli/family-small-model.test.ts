import { join } from "node:path";
import { labModelsDirectory } from "@mull/llama-cpp";
import { describe, expect, it } from "vitest";
import { familySmallModel } from "./family-small-model.ts";

describe("familySmallModel", () => {
  it("names the smaller model of a lab model's family, and none for the smallest or a stranger", async () => {
    expect(await familySmallModel("lab-v2-large")).toBe("lab-v2-small");
    expect(await familySmallModel("lab-large")).toBe("lab-small");
    expect(await familySmallModel("lab-v2-small")).toBeUndefined();
    expect(await familySmallModel("/models/other.gguf")).toBeUndefined();
  });

  it("reads the path of a lab model's file as that model", async () => {
    expect(await familySmallModel(join(labModelsDirectory, "lab-v2-large.gguf"))).toBe("lab-v2-small");
    expect(await familySmallModel("elsewhere/lab-large.gguf")).toBe("lab-small");
    expect(await familySmallModel(join(labModelsDirectory, "lab-v2-small.gguf"))).toBeUndefined();
  });
});
