import { describe, expect, it } from "vitest";
import { labModelName } from "./lab-model-name.ts";

describe("labModelName", () => {
  it("reads a lab model from its name, as the embedded backend and llama-server --alias name it", () => {
    expect(labModelName("lab-large")).toBe("lab-large");
    expect(labModelName("lab-v2-small")).toBe("lab-v2-small");
  });

  it("reads a lab model from a GGUF path, as llama-server without --alias names it", () => {
    expect(labModelName("/work/main/packages/llama-cpp/models/lab-large.gguf")).toBe("lab-large");
    expect(labModelName("models/lab-v2-small.gguf")).toBe("lab-v2-small");
    expect(labModelName("C:\\models\\lab-small.GGUF")).toBe("lab-small");
    expect(labModelName("lab-large.gguf")).toBe("lab-large");
  });

  it("leaves every other model alone", () => {
    expect(labModelName("qwen2.5-7b")).toBeUndefined();
    expect(labModelName("/models/qwen2.5-7b-q4.gguf")).toBeUndefined();
    // Only the file name counts: a folder named lab-… holds any model.
    expect(labModelName("/srv/lab-models/qwen.gguf")).toBeUndefined();
    // A repository-style name is no file: some other model whose name happens to start with lab-.
    expect(labModelName("acme/lab-assistant")).toBeUndefined();
    expect(labModelName("my-lab-large")).toBeUndefined();
    expect(labModelName("lab-")).toBeUndefined();
    expect(labModelName("")).toBeUndefined();
  });
});
