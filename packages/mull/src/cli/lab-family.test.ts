import { join } from "node:path";
import { labModelsDirectory } from "@mull/llama-cpp";
import { describe, expect, it } from "vitest";
import { labFamilyOf } from "./lab-family.ts";

describe("labFamilyOf", () => {
  it("gives a lab model's family, smallest first, by name or by the path of its file", async () => {
    const v2 = { model: "lab-v2-large", family: "v2", members: ["lab-v2-small", "lab-v2-large"] };
    expect(await labFamilyOf("lab-v2-large")).toEqual(v2);
    expect(await labFamilyOf(join(labModelsDirectory, "lab-v2-large.gguf"))).toEqual(v2);
    expect(await labFamilyOf("lab-small")).toEqual({
      model: "lab-small",
      family: "v1",
      members: ["lab-small", "lab-large"],
    });
  });

  it("gives none for a model the card does not list", async () => {
    expect(await labFamilyOf("/models/other.gguf")).toBeUndefined();
    expect(await labFamilyOf("lab-huge")).toBeUndefined();
  });
});
