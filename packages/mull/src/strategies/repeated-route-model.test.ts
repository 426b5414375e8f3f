import { describe, expect, it } from "vitest";
import { repeatedRouteModel } from "./repeated-route-model.ts";

describe("repeatedRouteModel", () => {
  it("names the first model named twice, and none for models that all differ", () => {
    expect(repeatedRouteModel(["lab-small", "lab-large"])).toBeUndefined();
    expect(repeatedRouteModel(["lab-small", "lab-small"])).toBe("lab-small");
    expect(repeatedRouteModel(["a", "b", "c", "b", "a"])).toBe("b");
    // Model names keep their case: two spellings are two models.
    expect(repeatedRouteModel(["Qwen", "qwen"])).toBeUndefined();
  });
});
